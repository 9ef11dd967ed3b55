// Draws the national comparison figure that national/charts.py built; decides nothing.
(function () {
  var holder = document.getElementById("national-chart");
  var data = document.getElementById("national-figure");
  if (!holder || !data || !window.Plotly) { return; }
  var figure = JSON.parse(data.textContent);
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
