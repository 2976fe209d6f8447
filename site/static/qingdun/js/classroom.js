/* Classroom: the lesson reader's heartbeats, the assign form's kind switch, confirmations and printing.
   The reader never reports a duration: it only posts "still here" (and "reached the end") while the page is
   visible; the server keeps the clock, per student, and a gap longer than one interval (plus a little) counts
   for nothing. A hidden page sends nothing, so it earns nothing. */
(function () {
  "use strict";

  function post(url, token, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": token, "Content-Type": "application/x-www-form-urlencoded" },
      body: body
    }).then(function (response) { return response.ok ? response.json() : null; }).catch(function () { return null; });
  }

  function startReader(article) {
    var url = article.getAttribute("data-signal-url");
    var token = article.getAttribute("data-csrf");
    var seconds = parseInt(article.getAttribute("data-interval"), 10) || 15;
    var status = document.querySelector("[data-reader-status]");
    var marker = article.querySelector("[data-end-marker]");
    var endSent = false;
    var endPending = false;
    var finished = false;

    function show(result) {
      if (!result || !status) { return; }
      if (result.finished) {
        finished = true;
        status.textContent = status.getAttribute("data-done");
      } else if (result.missing && result.missing.length) {
        status.textContent = result.missing.join(" · ");
      }
    }

    function visible() { return document.visibilityState === "visible"; }

    function beat(end) {
      if (!visible()) {
        // The end marker seen just as the page was hidden is sent once the page is back.
        if (end) { endPending = true; }
        return;
      }
      if (finished && !end) { return; }
      post(url, token, end ? "end=1" : "").then(show);
    }

    var timer = null;
    function run() {
      if (timer === null && visible()) {
        timer = window.setInterval(function () { beat(false); }, seconds * 1000);
      }
    }
    function pause() {
      if (timer !== null) { window.clearInterval(timer); timer = null; }
    }
    document.addEventListener("visibilitychange", function () {
      if (visible()) {
        var end = endPending;
        endPending = false;
        beat(end);
        run();
      } else {
        pause();
      }
    });
    run();

    if (marker && "IntersectionObserver" in window) {
      var observer = new IntersectionObserver(function (entries) {
        entries.forEach(function (entry) {
          if (entry.isIntersecting && !endSent) {
            endSent = true;
            observer.disconnect();
            beat(true);
          }
        });
      });
      observer.observe(marker);
    }
  }

  function showChosen(form, name, attribute, fallback) {
    var radios = form.querySelectorAll("input[name=" + name + "]");
    function update() {
      var chosen = form.querySelector("input[name=" + name + "]:checked");
      var value = chosen ? chosen.value : fallback;
      form.querySelectorAll("[" + attribute + "]").forEach(function (box) {
        box.hidden = box.getAttribute(attribute) !== value;
      });
    }
    radios.forEach(function (radio) { radio.addEventListener("change", update); });
    update();
  }

  function assignForm(form) {
    showChosen(form, "kind", "data-kind-field", "lesson");
    showChosen(form, "audience", "data-audience-field", "class");
  }

  document.addEventListener("DOMContentLoaded", function () {
    var article = document.querySelector("[data-reader]");
    if (article) { startReader(article); }
    var form = document.querySelector("[data-assign-form]");
    if (form) { assignForm(form); }
    document.querySelectorAll("[data-confirm]").forEach(function (button) {
      button.addEventListener("click", function (event) {
        if (!window.confirm(button.getAttribute("data-confirm"))) { event.preventDefault(); }
      });
    });
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();
