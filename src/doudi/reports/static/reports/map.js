// The map page: one figure per area, coloured; data from data-url of #map, axis names from its
// data-longitude / data-latitude attributes (shown when no boundaries are uploaded).
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || !window.echarts) { return; }
  var chart = echarts.init(el);
  fetch(el.dataset.url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (d) {
    var series = [];
    var option = {
      title: {text: d.label + " · " + d.month, left: "center"},
      tooltip: {trigger: "item", formatter: function (p) { var v = Array.isArray(p.value) ? p.value[2] : p.value; return p.name + "：" + (v == null ? 0 : v); }},
      visualMap: {min: 0, max: d.max, calculable: true, left: "left", bottom: 20, inRange: {color: ["#e0f3f8", "#fee090", "#f46d43", "#a50026"]}}
    };
    if (d.geojson) {
      echarts.registerMap("area", d.geojson);
      option.geo = {map: "area", roam: true, nameProperty: d.name_property, label: {show: true, fontSize: 10}};
      series.push({type: "map", geoIndex: 0, data: d.areas, nameProperty: d.name_property});
      series.push({type: "scatter", coordinateSystem: "geo", data: d.points, symbolSize: 9, visualMap: false, itemStyle: {color: "#333"}});
    } else {
      option.xAxis = {type: "value", scale: true, name: el.dataset.longitude, splitLine: {show: false}};
      option.yAxis = {type: "value", scale: true, name: el.dataset.latitude, splitLine: {show: false}};
      option.grid = {left: 80, right: 40, top: 60, bottom: 60};
      series.push({type: "scatter", data: d.points, symbolSize: function (v) { return 8 + Math.min(22, v[2] * 2); },
                   label: {show: true, formatter: "{b}", position: "right", fontSize: 10}});
    }
    option.series = series;
    chart.setOption(option);
    el.dataset.ready = "1";
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
