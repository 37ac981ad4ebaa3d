// A plan's timeline (phases and tasks as bars, today as a red line); a task's bar opens the task.
// Data: the json_script "timeline-data"; the "today" label: data-today-label of #plan-timeline.
(function () {
  "use strict";
  var el = document.getElementById("plan-timeline");
  var source = document.getElementById("timeline-data");
  if (!el || !source || !window.echarts) { return; }
  var d = JSON.parse(source.textContent);
  var rows = d.phases.map(function (p) { return {name: p.name, start: p.start, end: p.end, colour: "#cbd5e1", url: ""}; }).concat(d.tasks);
  var names = rows.map(function (r) { return r.name; }).reverse();
  var data = rows.map(function (r, i) { return {value: [rows.length - 1 - i, +new Date(r.start), +new Date(r.end) + 86400000], itemStyle: {color: r.colour}, url: r.url}; });
  var chart = echarts.init(el);
  chart.setOption({
    tooltip: {formatter: function (p) { return names[p.value[0]] + "<br>" + echarts.time.format(p.value[1], "{yyyy}-{MM}-{dd}") + " — " + echarts.time.format(p.value[2] - 86400000, "{yyyy}-{MM}-{dd}"); }},
    grid: {left: 200, right: 20, top: 10, bottom: 30},
    xAxis: {type: "time"}, yAxis: {type: "category", data: names, axisLabel: {width: 190, overflow: "truncate", interval: 0}},
    series: [{type: "custom", encode: {x: [1, 2], y: 0}, data: data,
      renderItem: function (params, api) {
        var y = api.value(0), a = api.coord([api.value(1), y]), b = api.coord([api.value(2), y]), h = api.size([0, 1])[1] * 0.6;
        return {type: "rect", shape: {x: a[0], y: a[1] - h / 2, width: Math.max(b[0] - a[0], 2), height: h}, style: api.style()};
      },
      markLine: {symbol: "none", label: {formatter: el.dataset.todayLabel}, lineStyle: {color: "#dc2626"}, data: [{xAxis: +new Date(d.today)}]}}]
  });
  chart.on("click", function (p) { if (p.data && p.data.url) { window.location.href = p.data.url; } });
  el.dataset.ready = "1";
})();
