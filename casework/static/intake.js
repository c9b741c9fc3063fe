// Intake form, progressive enhancement only (the form works without it): record the phone's position
// when the user allows it. A file, not an inline script: the CSP forbids inline code.
(function () {
  "use strict";
  // Back from "添加一件电器" at #appliance-N: the browser scrolls to the new row; put the cursor in it, after
  // load: autofocus is ignored when the address has a fragment, and Chromium clears the focus when it
  // scrolls to a target that takes none.
  var row = location.hash ? document.getElementById(location.hash.slice(1)) : null;
  if (row && row.classList.contains("appliance-row")) {
    window.addEventListener("load", function () {
      window.requestAnimationFrame(function () {
        var first = row.querySelector("input:not([type=hidden]), select, textarea");
        if (first && document.activeElement === document.body) {
          first.focus({preventScroll: true});
        }
      });
    });
  }
  var button = document.querySelector("[data-gps]");
  var lat = document.getElementById("gps_lat");
  var lng = document.getElementById("gps_lng");
  var status = document.querySelector("[data-gps-status]");
  if (!button || !lat || !lng || !status || !("geolocation" in navigator)) {
    return;
  }
  button.classList.remove("d-none");
  button.addEventListener("click", function () {
    status.textContent = button.dataset.waiting;
    navigator.geolocation.getCurrentPosition(function (position) {
      lat.value = position.coords.latitude.toFixed(6);
      lng.value = position.coords.longitude.toFixed(6);
      status.textContent = button.dataset.done + " " + lat.value + ", " + lng.value;
    }, function () {
      status.textContent = button.dataset.failed;
    }, {enableHighAccuracy: true, timeout: 20000, maximumAge: 60000});
  });
}());
