// The bench report page. Everything is inline: the plots are SVG drawn by the
// script below from the embedded JSON, so the file opens anywhere, offline.
// The page counts what it drew into data-points attributes and catches its
// own errors into #page-errors, which lets a test in a headless browser check
// that it rendered.

#include "html_report_page.hpp"

namespace oneai::load {

const std::string_view html_page_head = R"page(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>oneai bench report</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; max-width: 980px; }
h1 { font-size: 20px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 28px 0 6px; }
.label { color: #555; margin-bottom: 12px; }
table { border-collapse: collapse; margin: 8px 0; }
td, th { padding: 2px 10px; text-align: right; border-bottom: 1px solid #eee; }
th:first-child, td:first-child { text-align: left; }
svg { display: block; background: #fff; border: 1px solid #ddd; }
svg text { font: 11px system-ui, sans-serif; fill: #444; }
.note { color: #666; font-size: 12px; }
#page-errors { color: #b00; white-space: pre-wrap; }
</style>
<script>
// Errors of this page, caught before anything else runs.
(function () {
  var errors = [];
  function note(message) {
    errors.push(String(message));
    var box = document.getElementById('page-errors');
    if (box) {
      box.textContent = errors.join('\n');
      box.setAttribute('data-errors', String(errors.length));
    }
  }
  window.pageErrors = errors;
  window.addEventListener('error', function (e) { note('error: ' + e.message); });
  window.addEventListener('unhandledrejection', function (e) { note('rejection: ' + e.reason); });
  var original = console.error;
  console.error = function () {
    note('console.error: ' + Array.prototype.join.call(arguments, ' '));
    return original.apply(console, arguments);
  };
})();
</script>
</head>
<body data-rendered="no">
<h1>oneai bench report</h1>
<div class="label" id="label"></div>
<div id="page-errors" data-errors="0"></div>
<table id="summary"></table>
<h2>Latency by percentile</h2>
<div class="note">x: the percentile, as 1/(1&minus;q) on a log axis (HdrHistogram style); y: latency in ms.</div>
<svg id="plot-percentiles" width="940" height="340" data-points="0"></svg>
<h2>Latency over time</h2>
<div class="note">End to end p50 and p99 of the tasks that ended in each second.</div>
<svg id="plot-latency-time" width="940" height="300" data-points="0"></svg>
<h2>Throughput and tasks in flight</h2>
<div class="note">Tasks ended per second (left axis) and the most tasks in flight in each second (right axis).</div>
<svg id="plot-throughput" width="940" height="300" data-points="0"></svg>
<h2>End to end, split</h2>
<div class="note">Submit, queue, run and detection, by mean and by median; the mark is end to end itself.</div>
<svg id="plot-split" width="940" height="200" data-points="0"></svg>
<script type="application/json" id="plot-data">)page";

const std::string_view html_page_middle = R"page(</script>
<script type="application/json" id="report-data">)page";

const std::string_view html_page_tail = R"page(</script>
<script>
(function () {
  var NS = 'http://www.w3.org/2000/svg';
  var colors = { end_to_end: '#1f4e9c', submit: '#e08a00', queue: '#b03a2e', run: '#2e8b57',
                 detection: '#7b4fa0', p50: '#2e8b57', p99: '#1f4e9c',
                 throughput: '#1f4e9c', in_flight: '#e08a00', errors: '#b00' };

  function el(tag, attrs, parent, text) {
    var node = document.createElementNS(NS, tag);
    for (var k in attrs) node.setAttribute(k, attrs[k]);
    if (text !== undefined) node.textContent = text;
    if (parent) parent.appendChild(node);
    return node;
  }

  // About five round tick values from lo up to the first one at or above hi.
  function ticks(lo, hi) {
    if (!(hi > lo)) hi = lo + 1;
    var raw = (hi - lo) / 5, mag = Math.pow(10, Math.floor(Math.log10(raw)));
    var step = [1, 2, 5, 10].map(function (m) { return m * mag; })
                            .filter(function (s) { return s >= raw; })[0];
    var out = [], first = Math.ceil(lo / step), last = Math.ceil(hi / step - 1e-9);
    for (var i = first; i <= last; i++)
      out.push(i * step);
    return out;
  }

  function format(v) {
    if (v >= 100) return v.toFixed(0);
    if (v >= 10) return v.toFixed(1);
    if (v >= 1) return v.toFixed(2);
    return v.toPrecision(2);
  }

  // A line chart. opts: series [{name, points [[x, y]], right}], xLog,
  // xTicks [[value, label]] (else automatic), xLabel, yLabel, y2Label.
  // Returns how many points it drew.
  function lineChart(svg, opts) {
    var W = +svg.getAttribute('width'), H = +svg.getAttribute('height');
    var m = { l: 64, r: opts.y2Label ? 64 : 16, t: 28, b: 44 };
    var fx = opts.xLog ? function (x) { return Math.log10(x); } : function (x) { return x; };
    var all = [], left = [], right = [];
    opts.series.forEach(function (s) {
      s.points.forEach(function (p) {
        all.push(fx(p[0]));
        (s.right ? right : left).push(p[1]);
      });
    });
    if (all.length === 0) {
      el('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle' }, svg, 'no data');
      return 0;
    }
    var x0 = Math.min.apply(null, all), x1 = Math.max.apply(null, all);
    if (x1 === x0) x1 = x0 + 1;
    function scaleFor(values) {
      var top = values.length ? Math.max.apply(null, values) : 1;
      var t = ticks(0, top > 0 ? top : 1);
      var hi = t[t.length - 1];
      return { ticks: t, y: function (v) { return H - m.b - (v / hi) * (H - m.t - m.b); } };
    }
    var yl = scaleFor(left), yr = scaleFor(right);
    function X(x) { return m.l + (fx(x) - x0) / (x1 - x0) * (W - m.l - m.r); }
    // Axes and grid.
    el('line', { x1: m.l, y1: H - m.b, x2: W - m.r, y2: H - m.b, stroke: '#888' }, svg);
    el('line', { x1: m.l, y1: m.t, x2: m.l, y2: H - m.b, stroke: '#888' }, svg);
    yl.ticks.forEach(function (v) {
      var y = yl.y(v);
      el('line', { x1: m.l, y1: y, x2: W - m.r, y2: y, stroke: '#eee' }, svg);
      el('text', { x: m.l - 6, y: y + 4, 'text-anchor': 'end' }, svg, format(v));
    });
    if (opts.y2Label) {
      el('line', { x1: W - m.r, y1: m.t, x2: W - m.r, y2: H - m.b, stroke: '#888' }, svg);
      yr.ticks.forEach(function (v) {
        el('text', { x: W - m.r + 6, y: yr.y(v) + 4 }, svg, format(v));
      });
      el('text', { x: W - 12, y: H / 2, transform: 'rotate(90 ' + (W - 12) + ' ' + H / 2 + ')',
                   'text-anchor': 'middle' }, svg, opts.y2Label);
    }
    var xt = opts.xTicks || ticks(x0, x1).map(function (v) { return [v, format(v)]; });
    xt.forEach(function (t) {
      if (fx(t[0]) < x0 - 1e-9 || fx(t[0]) > x1 + 1e-9) return;
      var x = X(t[0]);
      el('line', { x1: x, y1: m.t, x2: x, y2: H - m.b, stroke: '#f2f2f2' }, svg);
      el('text', { x: x, y: H - m.b + 16, 'text-anchor': 'middle' }, svg, t[1]);
    });
    el('text', { x: (m.l + W - m.r) / 2, y: H - 6, 'text-anchor': 'middle' }, svg, opts.xLabel);
    el('text', { x: 14, y: H / 2, transform: 'rotate(-90 14 ' + H / 2 + ')',
                 'text-anchor': 'middle' }, svg, opts.yLabel);
    // Lines, and a legend.
    var drawn = 0;
    opts.series.forEach(function (s, i) {
      if (s.points.length === 0) return;
      var y = s.right ? yr.y : yl.y;
      var d = s.points.map(function (p, j) {
        return (j ? 'L' : 'M') + X(p[0]).toFixed(1) + ' ' + y(p[1]).toFixed(1);
      }).join(' ');
      el('path', { d: d, fill: 'none', stroke: colors[s.name] || '#333', 'stroke-width': 1.8 }, svg);
      if (s.points.length === 1)
        el('circle', { cx: X(s.points[0][0]), cy: y(s.points[0][1]), r: 3,
                       fill: colors[s.name] || '#333' }, svg);
      drawn += s.points.length;
      var lx = m.l + 12 + i * 120;
      el('rect', { x: lx, y: 8, width: 12, height: 3, fill: colors[s.name] || '#333' }, svg);
      el('text', { x: lx + 16, y: 13 }, svg, s.label || s.name);
    });
    return drawn;
  }

  // Horizontal stacked bars, one per statistic, of the parts of end to end.
  function splitChart(svg, split, parts) {
    var W = +svg.getAttribute('width'), H = +svg.getAttribute('height');
    var m = { l: 70, r: 16, t: 30, b: 28 };
    var rows = Object.keys(split);
    var widest = 0;
    rows.forEach(function (r) {
      var sum = parts.reduce(function (a, p) { return a + (split[r][p] || 0); }, 0);
      widest = Math.max(widest, sum, split[r].end_to_end || 0);
    });
    if (widest <= 0) {
      el('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle' }, svg, 'no data');
      return 0;
    }
    var t = ticks(0, widest), hi = t[t.length - 1];
    function X(v) { return m.l + v / hi * (W - m.l - m.r); }
    t.forEach(function (v) {
      el('line', { x1: X(v), y1: m.t, x2: X(v), y2: H - m.b, stroke: '#eee' }, svg);
      el('text', { x: X(v), y: H - m.b + 14, 'text-anchor': 'middle' }, svg, format(v));
    });
    el('text', { x: (m.l + W - m.r) / 2, y: H - 2, 'text-anchor': 'middle' }, svg, 'ms');
    var band = (H - m.t - m.b) / rows.length, drawn = 0;
    rows.forEach(function (r, i) {
      var y = m.t + i * band + band * 0.2, h = band * 0.6, at = 0;
      el('text', { x: m.l - 8, y: y + h / 2 + 4, 'text-anchor': 'end' }, svg, r);
      parts.forEach(function (p) {
        var v = split[r][p] || 0;
        if (v <= 0) return;
        var rect = el('rect', { x: X(at), y: y, width: Math.max(0.5, X(at + v) - X(at)), height: h,
                                fill: colors[p] }, svg);
        el('title', {}, rect, p + ' ' + format(v) + ' ms');
        at += v;
        drawn++;
      });
      if (split[r].end_to_end > 0)
        el('line', { x1: X(split[r].end_to_end), y1: y - 4, x2: X(split[r].end_to_end),
                     y2: y + h + 4, stroke: colors.end_to_end, 'stroke-width': 2 }, svg);
    });
    parts.forEach(function (p, i) {
      var lx = m.l + i * 110;
      el('rect', { x: lx, y: 8, width: 12, height: 10, fill: colors[p] }, svg);
      el('text', { x: lx + 16, y: 17 }, svg, p);
    });
    return drawn;
  }

  function summaryTable(data) {
    var table = document.getElementById('summary');
    function row(cells, header) {
      var tr = document.createElement('tr');
      cells.forEach(function (c) {
        var td = document.createElement(header ? 'th' : 'td');
        td.textContent = c;
        tr.appendChild(td);
      });
      table.appendChild(tr);
    }
    var t = data.tasks;
    row(['rate', data.target_rate > 0 ? 'target ' + format(data.target_rate) + '/s' :
         'closed loop', 'started ' + format(data.start_rate) + '/s',
         'achieved ' + format(data.achieved_rate) + '/s', 'over ' + format(data.duration_s) + ' s',
         'behind ' + format(data.behind_ms) + ' ms'], false);
    row(['tasks', t.submitted + ' submitted', t.completed + ' completed', t.failed + ' failed',
         t.errors + ' errors', 'polls/task ' + format(data.polls_per_task)], false);
    row(['latency (ms)', 'count', 'mean', 'p50', 'p90', 'p99', 'p99.9', 'max'], true);
    data.latency.forEach(function (k) {
      row([k.name, String(k.count), format(k.mean), format(k.p50), format(k.p90), format(k.p99),
           format(k.p999), format(k.max)], false);
    });
  }

  function render() {
    var data = JSON.parse(document.getElementById('plot-data').textContent);
    JSON.parse(document.getElementById('report-data').textContent); // must be whole
    document.getElementById('label').textContent = data.label;
    summaryTable(data);

    var percentileTicks = [[1, '0%'], [2, '50%'], [10, '90%'], [100, '99%'], [1000, '99.9%'],
                           [1e4, '99.99%'], [1e5, '99.999%'], [1e6, '99.9999%']];
    var plots = {
      'plot-percentiles': function (svg) {
        return lineChart(svg, {
          xLog: true, xTicks: percentileTicks, xLabel: 'percentile', yLabel: 'latency (ms)',
          series: Object.keys(data.percentiles).map(function (k) {
            return { name: k, points: data.percentiles[k] };
          })
        });
      },
      'plot-latency-time': function (svg) {
        var s = data.series;
        function points(values) {
          var out = [];
          s.t.forEach(function (t, i) { if (s.ended[i] > 0) out.push([t, values[i]]); });
          return out;
        }
        return lineChart(svg, {
          xLabel: 'second', yLabel: 'end to end (ms)',
          series: [{ name: 'p50', points: points(s.p50) }, { name: 'p99', points: points(s.p99) }]
        });
      },
      'plot-throughput': function (svg) {
        var s = data.series;
        function points(values) { return s.t.map(function (t, i) { return [t, values[i]]; }); }
        return lineChart(svg, {
          xLabel: 'second', yLabel: 'tasks/s', y2Label: 'in flight',
          series: [{ name: 'throughput', label: 'ended/s', points: points(s.throughput) },
                   { name: 'errors', label: 'errors/s', points: points(s.errors) },
                   { name: 'in_flight', label: 'in flight', points: points(s.in_flight), right: true }]
        });
      },
      'plot-split': function (svg) {
        return splitChart(svg, data.split, ['submit', 'queue', 'run', 'detection']);
      }
    };
    Object.keys(plots).forEach(function (id) {
      var svg = document.getElementById(id);
      svg.setAttribute('data-points', String(plots[id](svg)));
    });
  }

  try {
    render();
  } catch (e) {
    console.error('rendering failed: ' + (e && e.stack ? e.stack : e));
  }
  document.body.setAttribute('data-rendered', 'yes');
})();
</script>
</body>
</html>
)page";

} // namespace oneai::load
