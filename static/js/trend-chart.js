// Draws the figure that kpis/charts.py built; this file decides nothing.
(function () {
  var holder = document.getElementById("trend-chart");
  var data = document.getElementById("trend-figure");
  if (!holder || !data || !window.Plotly) { return; }
  var figure = JSON.parse(data.textContent);
  // Tool bar icons dark enough to see against white (WCAG 1.4.11).
  figure.layout.modebar = Object.assign(
    {bgcolor: "rgba(255,255,255,0.9)", color: "#505a5f", activecolor: "#0b0c0c"},
    figure.layout.modebar || {}
  );
  window.Plotly.newPlot(holder, figure.data, figure.layout, {
    responsive: true,
    displaylogo: false,
    modeBarButtonsToRemove: ["select2d", "lasso2d"]
  });
})();
