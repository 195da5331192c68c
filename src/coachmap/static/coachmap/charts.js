/* coachmap charts: each <canvas data-chart="ID"> is drawn from the JSON in <script id="ID">.
   The page always carries the same figures in a table, and the canvas a text alternative. */
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") { return; }
  var COLOURS = ["#1d4f7c", "#a3231f", "#1e6b34", "#8a4b00", "#5b2a86", "#006d77", "#6b7785", "#b5179e"];
  var DASHES = [[], [6, 4], [2, 3], [10, 3, 2, 3], [1, 4], [8, 8], [4, 2], [12, 4]];
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function dataset(spec, series, i) {
    var colour = series.colour || COLOURS[i % COLOURS.length];
    return {
      label: series.label,
      data: series.values,
      borderColor: colour,
      backgroundColor: spec.type === "bar" ? colour : colour + "33",
      borderDash: spec.type === "line" ? (series.dashed ? [6, 4] : DASHES[i % DASHES.length]) : [],
      pointStyle: ["circle", "rect", "triangle", "rectRot", "star", "crossRot", "cross", "dash"][i % 8],
      pointRadius: spec.type === "line" ? (series.points_only ? 8 : 4) : 0,
      showLine: !series.points_only,
      spanGaps: !!series.dashed,
      fill: false,
      tension: 0
    };
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    var unit = spec.unit || "";
    var horizontal = !!spec.horizontal;
    var valueAxis = {
      title: { display: !!spec.axis, text: spec.axis || "" },
      ticks: { callback: function (v) { return v + unit; } }
    };
    if (spec.min !== undefined) { valueAxis.min = spec.min; }
    if (spec.max !== undefined) { valueAxis.max = spec.max; }
    new window.Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: spec.series.map(function (s, i) { return dataset(spec, s, i); }) },
      options: {
        indexAxis: horizontal ? "y" : "x",
        animation: reduceMotion ? false : { duration: 300 },
        maintainAspectRatio: false,
        scales: horizontal ? { x: valueAxis } : { y: valueAxis },
        plugins: {
          legend: { display: spec.series.length > 1, position: "bottom" },
          tooltip: {
            callbacks: {
              label: function (ctx) {
                var v = ctx.parsed[horizontal ? "x" : "y"];
                return ctx.dataset.label + ": " + (v === null ? "hidden or no data" : Math.round(v * 10) / 10 + unit);
              }
            }
          }
        }
      }
    });
  }

  document.querySelectorAll("canvas[data-chart]").forEach(draw);
})();
