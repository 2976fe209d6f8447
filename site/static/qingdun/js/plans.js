// Export page: follow the XLSX task's progress until the file is ready. No inline script (CSP).
(function () {
  "use strict";
  var box = document.querySelector("[data-export-status]");
  if (!box) { return; }
  var url = box.getAttribute("data-export-status");
  var label = box.querySelector("[data-export-label]");
  var bar = box.querySelector("[data-export-bar]");
  var download = box.querySelector("[data-export-download]");

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        label.textContent = data.label;
        bar.setAttribute("aria-valuenow", String(data.percent));
        bar.firstElementChild.style.width = data.percent + "%";
        if (data.status === "done") {
          download.hidden = false;
        } else if (data.status !== "failed") {
          window.setTimeout(poll, 1500);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  if (download.hidden) { poll(); }
})();
