/* Quizzes: starting a quiz, and the paper — save each answer as it is chosen, keep unsent answers on the device
   while offline, show the server's clock, submit. Without this script the forms still post (every answer on
   submit).

   When the server is past capacity it answers 429 with Retry-After (core/admission.py). Nothing is lost then:
   an answer stays queued on the device and is sent again after Retry-After; a submission or a start is sent
   again after Retry-After until it goes through. A refused answer or submission also carries an
   Admission-Ticket, sent back with the retry, so the server judges its time by when it was first sent. */
var QingdunRetry = (function () {
  "use strict";

  // Milliseconds to wait before sending again: the server's Retry-After (seconds), else `fallback` seconds,
  // plus up to half a second so that clients refused together do not come back together.
  function delay(response, body, fallback) {
    var seconds = parseInt(response && response.headers.get("Retry-After"), 10);
    if (isNaN(seconds) && body && typeof body.retry_after === "number") { seconds = body.retry_after; }
    if (isNaN(seconds) || seconds < 0) { seconds = fallback; }
    return seconds * 1000 + Math.floor(Math.random() * 500);
  }

  // Answers worth waiting for: past capacity (429) or a proxy with no app server free (502, 503, 504).
  function isBusy(status) { return status === 429 || status === 502 || status === 503 || status === 504; }

  function readJson(response) { return response.json().catch(function () { return null; }); }

  return { delay: delay, isBusy: isBusy, readJson: readJson };
}());

/* Starting a quiz: when many students press the button at once the server may ask them to wait; the page
   waits and asks again by itself, then opens the paper. */
(function () {
  "use strict";

  var form = document.querySelector("form[data-quiz-start]");
  if (!form || !window.fetch || !window.FormData) { return; }
  var statusEl = document.getElementById("quiz-start-status");
  var button = form.querySelector("button[type=submit]");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var starting = false;

  function send() {
    fetch(form.action, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrf },
      body: new FormData(form)
    }).then(function (response) {
      return QingdunRetry.readJson(response).then(function (body) {
        if (response.ok && body && body.url) { window.location.assign(body.url); return; }
        if (QingdunRetry.isBusy(response.status)) {
          if (statusEl) { statusEl.textContent = form.dataset.msgBusy || ""; statusEl.hidden = false; }
          window.setTimeout(send, QingdunRetry.delay(response, body, 5));
          return;
        }
        form.submit();  // anything else: let the browser post the form and show the server's page
      });
    }).catch(function () { window.setTimeout(send, QingdunRetry.delay(null, null, 5)); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (starting) { return; }
    starting = true;
    if (button) { button.disabled = true; }
    send();
  });
}());

/* The paper. */
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
  var submitting = false;
  var saveTicket = null;  // Admission-Ticket of a refused save, sent back until one goes through

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
    // The values are the attempt's option tokens (strings), sent back as they are.
    return Array.prototype.map.call(boxes, function (box) { return box.value; });
  }

  function countAnswered() {
    var count = 0;
    form.querySelectorAll("fieldset[data-question]").forEach(function (set) {
      if (set.querySelector("input:checked")) { count += 1; }
    });
    if (answeredEl) { answeredEl.textContent = String(count); }
    return count;
  }

  function scheduleRetry(milliseconds) {
    if (retryTimer) { return; }
    retryTimer = window.setTimeout(function () { retryTimer = null; flush(); }, milliseconds || 4000);
  }

  function finishClosed(url) {
    closed = true;
    pending = {};
    store();
    say("msgClosed");
    if (url) { window.setTimeout(function () { window.location.assign(url); }, 1500); }
  }

  function flush() {
    if (sending || closed || submitting) { return; }
    var ids = Object.keys(pending);
    if (!ids.length) { say("msgSaved"); return; }
    if (navigator.onLine === false) { say("msgOffline"); return; }
    var questionId = ids[0];
    var options = pending[questionId];
    var headers = { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf };
    if (saveTicket) { headers["Admission-Ticket"] = saveTicket; }
    sending = true;
    say("msgSaving");
    fetch(saveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: headers,
      body: JSON.stringify({ question: parseInt(questionId, 10), options: options })
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        sending = false;
        if (response.ok) {
          saveTicket = null;
          // Only drop it if the student has not changed the answer while it was on its way.
          if (JSON.stringify(pending[questionId]) === JSON.stringify(options)) { delete pending[questionId]; store(); }
          if (typeof body.remaining === "number") { clock.set(body.remaining); }
          flush();
        } else if (response.status === 409) {
          finishClosed(body.result_url);
        } else if (response.status === 400) {
          delete pending[questionId]; store(); flush();
        } else if (QingdunRetry.isBusy(response.status)) {
          // Past capacity: the answer stays queued here and goes again when the server says.
          saveTicket = response.headers.get("Admission-Ticket") || saveTicket;
          say("msgBusy"); scheduleRetry(QingdunRetry.delay(response, body, 4));
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

  // The form carries every answer, so nothing queued is lost; the server keeps one result however often it is sent.
  // With fetch the submission is sent again after a refusal (429) until it goes through, and the answers stay on
  // the device until it has; without, the browser posts the form.
  function submitAnswers(ticket) {
    var headers = { "Accept": "application/json", "X-CSRFToken": csrf };
    if (ticket) { headers["Admission-Ticket"] = ticket; }
    say("msgSubmitting");
    fetch(form.action, { method: "POST", credentials: "same-origin", headers: headers, body: new FormData(form) })
      .then(function (response) {
        return QingdunRetry.readJson(response).then(function (body) {
          if (response.ok && body && body.result_url) {
            closed = true;
            pending = {};
            store();
            window.location.assign(body.result_url);
          } else if (QingdunRetry.isBusy(response.status)) {
            say("msgBusy");
            var next = response.headers.get("Admission-Ticket") || ticket;
            window.setTimeout(function () { submitAnswers(next); }, QingdunRetry.delay(response, body, 5));
          } else {
            postForm();  // signed out, or refused: the browser posts the form and shows the server's page
          }
        });
      })
      .catch(function () {
        say(navigator.onLine === false ? "msgOffline" : "msgError");
        window.setTimeout(function () { submitAnswers(ticket); }, QingdunRetry.delay(null, null, 5));
      });
  }

  function postForm() {
    pending = {};
    store();
    form.submit();
  }

  form.addEventListener("submit", function (event) {
    if (submitting) { event.preventDefault(); return; }
    var total = parseInt(form.dataset.total, 10);
    if (!clock.expired && countAnswered() < total && !window.confirm(form.dataset.msgConfirm)) {
      event.preventDefault();
      return;
    }
    submitting = true;
    var button = document.getElementById("quiz-submit");
    if (button) { window.setTimeout(function () { button.disabled = true; }, 0); }
    if (!window.fetch || !window.FormData) {
      pending = {};
      store();
      return;
    }
    event.preventDefault();
    submitAnswers(null);
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
      box.checked = pending[questionId].indexOf(box.value) !== -1;
    });
  });
  countAnswered();
  if (Object.keys(pending).length) { flush(); }
}());
