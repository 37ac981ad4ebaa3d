/* The home dashboard's charts (reports/_dashboard.html). A chart whose figures are all zero, or
   that has no rows (a village has no townships to rank), is not drawn: its box says so instead
   of leaving a large blank area. Data comes from the section's data-url; texts from data-*. */
(function () {
  var section = document.getElementById('reports-dashboard');
  if (!section) { return; }
  var loading = document.getElementById('dashboard-loading');

  function sum(values) { return values.reduce(function (a, b) { return a + (Number(b) || 0); }, 0); }

  function empty(el, text) {
    el.classList.add('chart-empty');
    el.textContent = '';
    var h = document.createElement('h3');
    h.textContent = el.dataset.title;
    var p = document.createElement('p');
    p.textContent = text;
    el.appendChild(h);
    el.appendChild(p);
  }

  function draw(el, hasData, option, urlOf) {
    if (!hasData || typeof echarts === 'undefined') { empty(el, section.dataset.empty); return; }
    el.classList.add('drawn');
    option.title = {text: el.dataset.title, textStyle: {fontSize: 14}};
    var chart = echarts.init(el);
    chart.setOption(option);
    // Every bar, point and slice opens the list behind its number.
    chart.on('click', function (p) { var u = urlOf(p); if (u) { window.location.href = u; } });
    window.addEventListener('resize', function () { chart.resize(); });
  }

  function done() {
    if (loading) { loading.remove(); }
    section.dataset.ready = '1';
  }

  function render(d) {
    var L = d.labels || {};
    var trend = d.trend || [], mix = d.mix || [], backlog = d.backlog || [], ranking = d.ranking || [];
    draw(document.getElementById('chart-trend'),
      sum(trend.map(function (t) { return t.late + t.due; })) > 0, {
        tooltip: {trigger: 'axis'}, legend: {bottom: 0},
        xAxis: {type: 'category', data: trend.map(function (t) { return t.month; })},
        yAxis: {type: 'value', minInterval: 1},
        series: [
          {name: L.late, type: 'line', data: trend.map(function (t) { return t.late; })},
          {name: L.due, type: 'bar', data: trend.map(function (t) { return t.due; }), itemStyle: {opacity: 0.35}}
        ]}, function (p) { return trend[p.dataIndex].url; });
    draw(document.getElementById('chart-mix'),
      sum(mix.map(function (m) { return m.value; })) > 0, {
        tooltip: {trigger: 'item'}, legend: {bottom: 0},
        series: [{type: 'pie', radius: ['35%', '65%'], data: mix, label: {formatter: '{b}: {c}'}}]
      }, function (p) { return mix[p.dataIndex].url; });
    draw(document.getElementById('chart-backlog'),
      sum(backlog.map(function (b) { return b.overdue + b.opened; })) > 0, {
        tooltip: {trigger: 'axis'}, legend: {bottom: 0}, grid: {left: 90},
        yAxis: {type: 'category', axisLabel: {interval: 0}, data: backlog.map(function (b) { return b.name; })},
        xAxis: {type: 'value', minInterval: 1},
        series: [
          {name: L.overdue, type: 'bar', data: backlog.map(function (b) { return b.overdue; })},
          {name: L.opened, type: 'bar', data: backlog.map(function (b) { return b.opened; })}
        ]}, function (p) { var b = backlog[p.dataIndex]; return p.seriesIndex === 0 ? b.url_overdue : b.url_opened; });
    // A ranking needs townships with visits due: with none, every rate would read 100%.
    draw(document.getElementById('chart-ranking'),
      ranking.length > 0 && sum(trend.length ? [trend[trend.length - 1].due] : []) > 0, {
        tooltip: {trigger: 'axis'}, grid: {left: 90},
        yAxis: {type: 'category', axisLabel: {interval: 0}, data: ranking.map(function (b) { return b.name; })},
        xAxis: {type: 'value', max: 100},
        series: [{name: L.rate, type: 'bar', data: ranking.map(function (b) { return b.rate; }),
          label: {show: true, position: 'right', formatter: '{c}%'}}]
      }, function (p) { return ranking[p.dataIndex].url; });
    done();
  }

  fetch(section.dataset.url, {credentials: 'same-origin'})
    .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
    .then(function (d) {
      if (d.trend) { render(d); return; }
      // No region (an account not bound to one): nothing to count, said as such.
      section.querySelectorAll('.chart').forEach(function (el) { empty(el, section.dataset.empty); });
      done();
    })
    .catch(function () {
      section.querySelectorAll('.chart').forEach(function (el) { empty(el, section.dataset.failed); });
      done();
    });
})();
