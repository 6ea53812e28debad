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
      // A bar of nothing is noise: the chart draws what has a value, the table keeps all.
      if (!head || !cell || !Number(cell.dataset.value)) return;
      labels.push(head.textContent.trim());
      values.push(Number(cell.dataset.value));
    });
    if (!labels.length) { canvas.parentElement.hidden = true; return; }
    // Room for every label (none skipped), so each bar can be matched to its label.
    canvas.parentElement.style.height = (labels.length * 28 + 60) + "px";
    new window.Chart(canvas, {
      type: "bar",
      data: { labels: labels, datasets: [{ label: table.caption ? table.caption.textContent : "",
                                           data: values, backgroundColor: colour }] },
      options: { indexAxis: "y", responsive: true, maintainAspectRatio: false, animation: false,
                 scales: { x: { beginAtZero: true, ticks: { precision: 0 } },
                           // Long names are shortened on the axis; the tooltip and the table
                           // give them whole.
                           y: { ticks: { autoSkip: false, callback: function (value) {
                             var label = this.getLabelForValue(value);
                             return label.length > 42 ? label.slice(0, 41) + "…" : label;
                           } } } },
                 plugins: { legend: { display: false } } },
    });
  });
})();
