// The statistics page: each <canvas data-table="ID"> becomes a Chart.js bar chart of the
// figures in that table (first column the labels, data-value the numbers). The table stays
// on the page as the accessible alternative; without JavaScript only the tables show.
"use strict";
(function () {
  if (typeof window.Chart === "undefined") return;
  var style = getComputedStyle(document.documentElement);
  var colour = style.getPropertyValue("--accent").trim() || "#1f5f8b";
  document.querySelectorAll("canvas[data-table]").forEach(function (canvas) {
    var table = document.getElementById(canvas.dataset.table);
    if (!table) return;
    var labels = [], values = [];
    table.querySelectorAll("tbody tr").forEach(function (row) {
      var head = row.querySelector("th"), cell = row.querySelector("td[data-value]");
      if (!head || !cell) return;
      labels.push(head.textContent.trim());
      values.push(Number(cell.dataset.value));
    });
    if (!labels.length) { canvas.parentElement.hidden = true; return; }
    new window.Chart(canvas, {
      type: "bar",
      data: { labels: labels, datasets: [{ label: table.caption ? table.caption.textContent : "",
                                           data: values, backgroundColor: colour }] },
      options: { indexAxis: "y", responsive: true, maintainAspectRatio: false, animation: false,
                 scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
                 plugins: { legend: { display: false } } },
    });
  });
})();
