// Site-visit form, progressive enhancement only (the form works without it): record where the visit took
// place, and how precise the phone's fix is, when the user allows it. A file: the CSP forbids inline code.
(function () {
  "use strict";
  var button = document.querySelector("[data-visit-gps]");
  var lat = document.getElementById("gps_lat");
  var lng = document.getElementById("gps_lng");
  var accuracy = document.getElementById("gps_accuracy");
  var status = document.querySelector("[data-visit-gps-status]");
  if (!button || !lat || !lng || !accuracy || !status || !("geolocation" in navigator)) {
    return;
  }
  button.classList.remove("d-none");
  button.addEventListener("click", function () {
    status.textContent = button.dataset.waiting;
    navigator.geolocation.getCurrentPosition(function (position) {
      lat.value = position.coords.latitude.toFixed(6);
      lng.value = position.coords.longitude.toFixed(6);
      accuracy.value = position.coords.accuracy.toFixed(1);
      status.textContent = button.dataset.done + " " + lat.value + ", " + lng.value + " · " +
        button.dataset.accuracy.replace("{m}", Math.round(position.coords.accuracy));
    }, function () {
      status.textContent = button.dataset.failed;
    }, {enableHighAccuracy: true, timeout: 20000, maximumAge: 60000});
  });
}());
