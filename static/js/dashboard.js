/* Draws the dashboard's charts with Chart.js from the figures in #dashboard-charts.
 * Every chart's numbers are also in a table; once a chart is drawn its table folds
 * away behind "Show the numbers". No animation when the reader asked for less motion. */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-charts");
  if (!source || typeof window.Chart === "undefined") {
    return;
  }
  var charts = JSON.parse(source.textContent);
  var palette = ["#0b4f6c", "#a8491d", "#1d6b3a", "#6b4c9a", "#7a5200"];
  var reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var page = window.getComputedStyle(document.body);
  // Axis labels in the page's own font and muted ink, which keeps its contrast.
  window.Chart.defaults.font.family = page.fontFamily;
  window.Chart.defaults.font.size = 13;
  window.Chart.defaults.color = "#4a5866";

  function draw(canvas) {
    var chart = charts[canvas.dataset.chart];
    if (!chart || !chart.labels.length) {
      return;
    }
    var box = canvas.parentElement;
    box.hidden = false;
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: chart.labels,
        datasets: chart.datasets.map(function (set, index) {
          return { label: set.label, data: set.data, backgroundColor: palette[index % palette.length] };
        })
      },
      options: {
        indexAxis: chart.horizontal ? "y" : "x",
        animation: reduceMotion ? false : { duration: 400 },
        maintainAspectRatio: false,
        responsive: true,
        plugins: { legend: { display: chart.datasets.length > 1 } },
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } }, y: { beginAtZero: true, ticks: { precision: 0 } } }
      }
    });
    var table = box.nextElementSibling;
    if (table && table.tagName === "DETAILS") {
      table.open = false;
    }
  }

  document.querySelectorAll("canvas[data-chart]").forEach(draw);
})();
