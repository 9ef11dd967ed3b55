// Draws the figures that kpis/charts.py and national/charts.py built (JSON in
// a json_script element beside each holder); this file decides nothing.
(function () {
  if (!window.Plotly) { return; }
  var pairs = [["trend-chart", "trend-figure"], ["national-chart", "national-figure"]].map(
    function (ids) { return [document.getElementById(ids[0]), document.getElementById(ids[1])]; }
  );
  // Further charts name their figure's element (the monthly report's rectification plans).
  document.querySelectorAll("[data-figure]").forEach(function (holder) {
    pairs.push([holder, document.getElementById(holder.getAttribute("data-figure"))]);
  });
  pairs.forEach(function (pair) {
    var holder = pair[0];
    var data = pair[1];
    if (!holder || !data) { return; }
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
  });
})();
