// Draws the figure that kpis/charts.py built; this file decides nothing.
(function () {
  var holder = document.getElementById("trend-chart");
  var data = document.getElementById("trend-figure");
  if (!holder || !data || !window.Plotly) { return; }
  var figure = JSON.parse(data.textContent);
  window.Plotly.newPlot(holder, figure.data, figure.layout, {
    responsive: true,
    displaylogo: false,
    modeBarButtonsToRemove: ["select2d", "lasso2d"]
  });
})();
