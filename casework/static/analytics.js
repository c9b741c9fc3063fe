// Draws the analytics charts (Apache ECharts, served by the app from npm). The options come from the server as
// JSON in a <script type="application/json"> beside each chart; a click on a bar, point or slice opens the case
// list with the same filter. Canvas renderer and rich-text tooltips only: the page's CSP allows no inline style.
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }
  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var source = document.getElementById("chart-" + el.getAttribute("data-chart"));
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(data.option);
    chart.on("click", function (params) {
      var url = data.links[params.dataIndex];
      if (url) { window.location.assign(url); }
    });
    el.setAttribute("data-drawn", "1");
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
}());
