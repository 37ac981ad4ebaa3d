// The home page's dashboard: four charts from data-url of #reports-dashboard; the chart titles
// come from its data-title-* attributes. Every bar, point and slice opens the list behind its number.
(function () {
  "use strict";
  var section = document.getElementById("reports-dashboard");
  if (!section || !window.echarts) { return; }
  var T = section.dataset;
  fetch(T.url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (d) {
    if (!d.trend) { return; }
    var L = d.labels;
    function go(chart, urlOf) { chart.on("click", function (p) { var u = urlOf(p); if (u) { window.location.href = u; } }); return chart; }
    go(echarts.init(document.getElementById("chart-trend")), function (p) { return d.trend[p.dataIndex].url; }).setOption({
      title: {text: T.titleTrend, textStyle: {fontSize: 14}}, tooltip: {trigger: "axis"}, legend: {bottom: 0},
      xAxis: {type: "category", data: d.trend.map(function (t) { return t.month; })}, yAxis: {type: "value", minInterval: 1},
      series: [{name: L.late, type: "line", data: d.trend.map(function (t) { return t.late; })}, {name: L.due, type: "bar", data: d.trend.map(function (t) { return t.due; }), itemStyle: {opacity: 0.35}}]});
    go(echarts.init(document.getElementById("chart-mix")), function (p) { return d.mix[p.dataIndex].url; }).setOption({
      title: {text: T.titleMix, textStyle: {fontSize: 14}}, tooltip: {trigger: "item"}, legend: {bottom: 0},
      series: [{type: "pie", radius: ["35%", "65%"], data: d.mix, label: {formatter: "{b}: {c}"}}]});
    go(echarts.init(document.getElementById("chart-backlog")), function (p) { var b = d.backlog[p.dataIndex]; return p.seriesIndex === 0 ? b.url_overdue : b.url_opened; }).setOption({
      title: {text: T.titleBacklog, textStyle: {fontSize: 14}}, tooltip: {trigger: "axis"}, legend: {bottom: 0},
      grid: {left: 90}, yAxis: {type: "category", axisLabel: {interval: 0}, data: d.backlog.map(function (b) { return b.name; })}, xAxis: {type: "value", minInterval: 1},
      series: [{name: L.overdue, type: "bar", data: d.backlog.map(function (b) { return b.overdue; })}, {name: L.opened, type: "bar", data: d.backlog.map(function (b) { return b.opened; })}]});
    go(echarts.init(document.getElementById("chart-ranking")), function (p) { return d.ranking[p.dataIndex].url; }).setOption({
      title: {text: T.titleRanking, textStyle: {fontSize: 14}}, tooltip: {trigger: "axis"},
      grid: {left: 90}, yAxis: {type: "category", axisLabel: {interval: 0}, data: d.ranking.map(function (b) { return b.name; })}, xAxis: {type: "value", max: 100},
      series: [{name: L.rate, type: "bar", data: d.ranking.map(function (b) { return b.rate; }), label: {show: true, position: "right", formatter: "{c}%"}}]});
    section.dataset.ready = "1";
  });
})();
