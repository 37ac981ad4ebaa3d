/* The mediation statistics charts (ECharts). Data comes from the page's json_script block; a
   click on a bar opens the list behind it, like every number of the table. No inline script:
   the Content-Security-Policy allows scripts from this site only. */
(function () {
  "use strict";
  function start() {
    var node = document.getElementById("mediation-chart-data");
    if (!node || !window.echarts) return;
    var data = JSON.parse(node.textContent);
    var kindEl = document.getElementById("kind-chart");
    var shareEl = document.getElementById("share-chart");
    var kinds = echarts.init(kindEl);
    kinds.setOption({
      tooltip: {trigger: "axis"},
      legend: {type: "scroll", top: 0},
      grid: {left: 40, right: 10, top: 40, bottom: 70},
      xAxis: {type: "category", data: data.kinds, axisLabel: {rotate: 30, interval: 0}},
      yAxis: {type: "value", minInterval: 1},
      series: data.series.map(function (s) {
        return {type: "bar", stack: "tier", name: s.name, data: s.data};
      })
    });
    kinds.on("click", function (p) {
      var url = data.series[p.seriesIndex].links[p.dataIndex];
      if (url) window.location = url;
    });
    var shares = echarts.init(shareEl);
    shares.setOption({
      tooltip: {formatter: "{b}：{c}%"},
      grid: {left: 90, right: 30, top: 20, bottom: 30},
      xAxis: {type: "value", max: 100},
      yAxis: {type: "category", data: data.shares.map(function (s) { return s.name; })},
      series: [{type: "bar", data: data.shares.map(function (s) { return s.value; }), label: {show: true, formatter: "{c}%"}}]
    });
    shares.on("click", function (p) { window.location = data.shares[p.dataIndex].url; });
    kindEl.dataset.ready = "1";
    window.addEventListener("resize", function () { kinds.resize(); shares.resize(); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
