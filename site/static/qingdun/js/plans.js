// Export page: follow the XLSX task's progress until the file is ready. No inline script (CSP).
(function () {
  "use strict";
  var box = document.querySelector("[data-export-status]");
  if (!box) { return; }
  var url = box.getAttribute("data-export-status");
  var label = box.querySelector("[data-export-label]");
  var bar = box.querySelector("[data-export-bar]");
  var download = box.querySelector("[data-export-download]");
  var attempt = box.querySelector("[data-export-attempt]");
  var failed = box.querySelector("[data-export-failed]");
  var reason = box.querySelector("[data-export-reason]");

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        // 503 while the database is out of reach (core/outage.py): wait as long as the server asks.
        if (!response.ok) {
          var wait = parseInt(response.headers.get("Retry-After"), 10) || 5;
          window.setTimeout(poll, wait * 1000);
          return null;
        }
        return response.json();
      })
      .then(function (data) {
        if (!data) { return; }
        label.textContent = data.label;
        bar.setAttribute("aria-valuenow", String(data.percent));
        bar.firstElementChild.style.width = data.percent + "%";
        if (attempt) { attempt.hidden = !data.retrying; }
        if (data.status === "done") {
          download.hidden = false;
        } else if (data.status === "failed") {
          // The reason and the 再次导出 button: the page was rendered before the export failed.
          reason.textContent = data.reason;
          failed.hidden = false;
        } else {
          window.setTimeout(poll, 1500);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  if (download.hidden && failed.hidden) { poll(); }
})();
