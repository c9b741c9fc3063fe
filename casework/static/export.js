// The progress indicator of a batch export: poll the job's status each second while it runs, and reload the
// page once it has finished (the download link and any failures are rendered by the server).
(function () {
  "use strict";
  var box = document.getElementById("export-status");
  if (!box || (box.dataset.state !== "queued" && box.dataset.state !== "running")) { return; }
  var bar = document.getElementById("export-progress");
  var count = document.getElementById("export-count");
  var state = document.getElementById("export-state");
  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (s) {
        bar.max = s.total || 1;
        bar.value = s.total ? s.done : 1;
        count.textContent = s.done + " / " + s.total;
        if (s.state === "running") { state.textContent = box.dataset.running; }
        if (s.state === "queued" || s.state === "running") { setTimeout(poll, 1000); } else { location.reload(); }
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 1000);
}());
