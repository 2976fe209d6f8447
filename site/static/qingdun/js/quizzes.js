/* Quiz paper: save each answer as it is chosen, keep unsent answers on the device while offline, show the
   server's clock. Without this script the form still posts every answer on submit. */
(function () {
  "use strict";

  var form = document.getElementById("quiz-paper");
  if (!form) { return; }

  var saveUrl = form.dataset.saveUrl;
  var storeKey = "qingdun-quiz-" + form.dataset.attempt;
  var statusEl = document.getElementById("quiz-save-status");
  var answeredEl = document.getElementById("quiz-answered");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var pending = load();
  var sending = false;
  var retryTimer = null;
  var closed = false;

  function load() {
    try { return JSON.parse(window.localStorage.getItem(storeKey) || "{}"); } catch (e) { return {}; }
  }

  function store() {
    try { window.localStorage.setItem(storeKey, JSON.stringify(pending)); } catch (e) { /* private mode: memory only */ }
  }

  function say(key) {
    var text = form.dataset[key] || "";
    if (statusEl.textContent !== text) { statusEl.textContent = text; }
    statusEl.dataset.state = key;
  }

  function chosen(questionId) {
    var boxes = form.querySelectorAll("input[name='q" + questionId + "']:checked");
    return Array.prototype.map.call(boxes, function (box) { return parseInt(box.value, 10); });
  }

  function countAnswered() {
    var count = 0;
    form.querySelectorAll("fieldset[data-question]").forEach(function (set) {
      if (set.querySelector("input:checked")) { count += 1; }
    });
    if (answeredEl) { answeredEl.textContent = String(count); }
    return count;
  }

  function scheduleRetry() {
    if (retryTimer) { return; }
    retryTimer = window.setTimeout(function () { retryTimer = null; flush(); }, 4000);
  }

  function finishClosed(url) {
    closed = true;
    pending = {};
    store();
    say("msgClosed");
    if (url) { window.setTimeout(function () { window.location.assign(url); }, 1500); }
  }

  function flush() {
    if (sending || closed) { return; }
    var ids = Object.keys(pending);
    if (!ids.length) { say("msgSaved"); return; }
    if (navigator.onLine === false) { say("msgOffline"); return; }
    var questionId = ids[0];
    var options = pending[questionId];
    sending = true;
    say("msgSaving");
    fetch(saveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ question: parseInt(questionId, 10), options: options })
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        sending = false;
        if (response.ok) {
          // Only drop it if the student has not changed the answer while it was on its way.
          if (JSON.stringify(pending[questionId]) === JSON.stringify(options)) { delete pending[questionId]; store(); }
          if (typeof body.remaining === "number") { clock.set(body.remaining); }
          flush();
        } else if (response.status === 409) {
          finishClosed(body.result_url);
        } else if (response.status === 400) {
          delete pending[questionId]; store(); flush();
        } else {
          say("msgError"); scheduleRetry();
        }
      });
    }).catch(function () {
      sending = false;
      say(navigator.onLine === false ? "msgOffline" : "msgError");
      scheduleRetry();
    });
  }

  form.addEventListener("change", function (event) {
    var set = event.target.closest("fieldset[data-question]");
    if (!set || closed) { return; }
    pending[set.dataset.question] = chosen(set.dataset.question);
    store();
    countAnswered();
    flush();
  });

  form.addEventListener("submit", function (event) {
    var total = parseInt(form.dataset.total, 10);
    if (!clock.expired && countAnswered() < total && !window.confirm(form.dataset.msgConfirm)) {
      event.preventDefault();
      return;
    }
    // The form carries every answer, so nothing queued is lost; the server keeps one result however often it is sent.
    pending = {};
    store();
    var button = document.getElementById("quiz-submit");
    if (button) { window.setTimeout(function () { button.disabled = true; }, 0); }
  });

  window.addEventListener("online", flush);
  window.addEventListener("offline", function () { if (Object.keys(pending).length) { say("msgOffline"); } });

  var clock = (function () {
    var timerEl = document.getElementById("quiz-timer");
    var clockEl = timerEl ? timerEl.querySelector(".quiz-clock") : null;
    var endsAt = null;
    var api = { expired: false, set: function () {} };
    if (!clockEl || form.dataset.remaining === undefined) { return api; }

    function show() {
      var left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
      var minutes = Math.floor(left / 60);
      var seconds = left % 60;
      clockEl.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
      timerEl.classList.toggle("is-low", left <= 60);
      if (left === 0 && !api.expired) {
        api.expired = true;
        // The server submits at the deadline in any case; this only takes the student to the result.
        if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
      }
    }
    api.set = function (remaining) { endsAt = Date.now() + remaining * 1000; show(); };
    api.set(parseInt(form.dataset.remaining, 10));
    window.setInterval(show, 1000);
    return api;
  }());

  // Answers chosen while offline in an earlier visit: show them again and send them.
  Object.keys(pending).forEach(function (questionId) {
    form.querySelectorAll("input[name='q" + questionId + "']").forEach(function (box) {
      box.checked = pending[questionId].indexOf(parseInt(box.value, 10)) !== -1;
    });
  });
  countAnswered();
  if (Object.keys(pending).length) { flush(); }
}());
