// The village supervision overview: vouchers reviewed on time per area, each bar opens its list.
// Data: the json_script "village-chart-data".
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var source = document.getElementById("village-chart-data");
  var data = source && JSON.parse(source.textContent);
  if (!window.echarts || !data) { return; }
  var chart = echarts.init(document.getElementById("village-chart"));
  chart.setOption({
    tooltip: {}, grid: {left: 40, right: 10, bottom: 60},
    xAxis: {type: "category", data: data.names, axisLabel: {rotate: 30}},
    yAxis: {type: "value", max: 100},
    series: [{type: "bar", name: data.label, data: data.values}]
  });
  chart.on("click", function (p) { window.location = data.links[p.dataIndex]; });
});
