/* Quizzes: starting a quiz, and the paper — save answers as they are chosen, keep every answer the server has not
   confirmed on the device, show the server's clock, submit. Without this script the forms still post (every
   answer on submit).

   The wire protocol and the deadline rule are in docs/quizzes.md ("Saving and submitting", "Deadlines"). In short:
   each answer is kept in localStorage (by attempt) with the moment it was chosen on the server's clock, until a
   save or the submission confirms it; it is sent again after a refusal at the edge (429, honouring Retry-After),
   a 5xx, an outage, a dropped connection or a reload. The page holds the latest lease the server gave and sends it
   with every request: past the deadline it is what lets answers chosen before it still count. */
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
  var fallbackCsrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var BATCH_DELAY = 700;  // ms: changes made together go in one request, and each still leaves within ~2 s
  var MAX_BATCH = 200;
  var state = load();  // {pending: {question: {options, at}}, lease, submitting}
  var sending = false;
  var submitInFlight = false;
  var timer = null;
  var failures = 0;
  var closed = false;

  function perfNow() { return window.performance && performance.now ? performance.now() : Date.now(); }

  // The server's clock as the latest lease confirmed it, moved on by this device's monotonic clock.
  var anchor = { server: parseInt(form.dataset.serverTime, 10) || Date.now(), local: perfNow() };
  function serverNow() { return Math.round(anchor.server + (perfNow() - anchor.local)); }

  function load() {
    var stored = null;
    try { stored = JSON.parse(window.localStorage.getItem(storeKey) || "null"); } catch (e) { stored = null; }
    if (!stored || typeof stored !== "object") { stored = {}; }
    if (!stored.pending) {
      // Earlier versions kept {question: [tokens]}: keep those answers, without a stamp.
      var pending = {};
      Object.keys(stored).forEach(function (key) {
        if (Array.isArray(stored[key])) { pending[key] = { options: stored[key], at: null }; }
      });
      stored = { pending: pending };
    }
    return { pending: stored.pending || {}, lease: stored.lease || null, submitting: !!stored.submitting };
  }

  function store() {
    try { window.localStorage.setItem(storeKey, JSON.stringify(state)); } catch (e) { /* private mode: memory only */ }
  }

  function forget() {
    state = { pending: {}, lease: null, submitting: false };
    try { window.localStorage.removeItem(storeKey); } catch (e) { /* nothing kept */ }
  }

  // Django's CSRF cookie, read at each request: signing in again in another tab replaces it.
  function csrf() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : fallbackCsrf;
  }

  function say(key, extra) {
    var text = (form.dataset[key] || "") + (extra || "");
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

  function lock() {
    form.querySelectorAll("fieldset[data-question]").forEach(function (set) { set.disabled = true; });
  }

  function renew(body) {
    if (body && typeof body.lease === "string") { state.lease = body.lease; }
    if (body && typeof body.server_time === "number") { anchor = { server: body.server_time, local: perfNow() }; }
    if (body && typeof body.remaining === "number") { clock.set(body.remaining); }
  }

  // A few seconds after the first failure, up to 30 s, with jitter so that a room does not come back at once.
  function backoff(response, body) {
    failures += 1;
    return QingdunRetry.delay(response, body, Math.min(30, 2 * failures));
  }

  function later(action, milliseconds) {
    if (timer) { window.clearTimeout(timer); }
    timer = window.setTimeout(function () { timer = null; action(); }, milliseconds);
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify(body)
    }).then(function (response) {
      return QingdunRetry.readJson(response).then(function (json) { return { response: response, body: json || {} }; });
    });
  }

  function finishClosed(url) {
    closed = true;
    forget();
    say("msgClosed");
    if (url) { window.setTimeout(function () { window.location.assign(url); }, 1500); }
  }

  function failed(response, body, retry, busyKey, errorKey) {
    if (response && (response.status === 401 || response.status === 403)) {
      say("msgSignedOut");
      later(retry, 15000);
    } else if (response && QingdunRetry.isBusy(response.status)) {
      say(busyKey);
      later(retry, backoff(response, body));
    } else {
      say(navigator.onLine === false ? "msgOffline" : errorKey);
      later(retry, backoff(response, body));
    }
  }

  // Send every unconfirmed answer (up to a paper's worth) in one request.
  function flush() {
    if (sending || closed || state.submitting) { return; }
    var ids = Object.keys(state.pending).slice(0, MAX_BATCH);
    if (!ids.length) { say("msgSaved"); return; }
    var sent = {};
    var answers = ids.map(function (id) {
      var entry = state.pending[id];
      sent[id] = JSON.stringify(entry.options);
      var answer = { question: parseInt(id, 10), options: entry.options };
      if (typeof entry.at === "number") { answer.at = entry.at; }
      return answer;
    });
    sending = true;
    say("msgSaving");
    post(saveUrl, { lease: state.lease, answers: answers }).then(function (result) {
      sending = false;
      var response = result.response;
      var body = result.body;
      if (response.ok) {
        failures = 0;
        renew(body);
        var done = (body.saved || []).concat((body.refused || []).map(function (item) { return item.question; }));
        done.forEach(function (id) {
          // Only drop it if the student has not changed the answer while it was on its way.
          var entry = state.pending[String(id)];
          if (entry && JSON.stringify(entry.options) === sent[String(id)]) { delete state.pending[String(id)]; }
        });
        store();
        if (state.submitting || closed) { return; }  // the submission carries the rest and has its own retries
        if (Object.keys(state.pending).length) { later(flush, 0); } else { say("msgSaved"); }
      } else if (state.submitting || closed) {
        return;
      } else if (response.status === 409 && body.error === "overdue") {
        submitAnswers();  // past the deadline: the answers kept here go with the submission, and the lease
      } else if (response.status === 409) {
        finishClosed(body.result_url);
      } else if (response.status === 400) {
        ids.forEach(function (id) { delete state.pending[id]; });  // unreadable: sending it again cannot help
        store();
        later(flush, 0);
      } else if (response.status === 404) {
        say("msgError");
      } else {
        failed(response, body, flush, "msgBusy", "msgError");
      }
    }).catch(function () {
      sending = false;
      if (!state.submitting && !closed) { failed(null, null, flush, "msgBusy", "msgError"); }
    });
  }

  form.addEventListener("change", function (event) {
    var set = event.target.closest("fieldset[data-question]");
    if (!set || closed || state.submitting) { return; }
    state.pending[set.dataset.question] = { options: chosen(set.dataset.question), at: serverNow() };
    store();
    countAnswered();
    if (!sending) { later(flush, BATCH_DELAY); }
  });

  // The submission carries every answer on the page, with its stamp when the server has not confirmed it yet.
  // The answers stay on the device until the server says the attempt is graded; until then it is sent again
  // (after Retry-After, a 5xx, an outage or a dropped connection), and the page stays.
  function submitAnswers() {
    if (closed || submitInFlight) { return; }
    submitInFlight = true;
    if (!state.submitting) { state.submitting = true; store(); }
    lock();
    var answers = [];
    form.querySelectorAll("fieldset[data-question]").forEach(function (set) {
      var id = set.dataset.question;
      var entry = state.pending[id];
      var options = entry ? entry.options : chosen(id);
      if (!options.length && !entry) { return; }
      var answer = { question: parseInt(id, 10), options: options };
      if (entry && typeof entry.at === "number") { answer.at = entry.at; }
      answers.push(answer);
    });
    say("msgSubmitting");
    post(form.action, { lease: state.lease, answers: answers }).then(function (result) {
      submitInFlight = false;
      var response = result.response;
      var body = result.body;
      if (response.ok && body.closed && body.result_url) {
        closed = true;
        forget();
        if (body.refused && body.refused.length) {
          say("msgRefused", " (" + body.refused.length + ")");
          window.setTimeout(function () { window.location.assign(body.result_url); }, 4000);
        } else {
          window.location.assign(body.result_url);
        }
      } else if (response.status === 404) {
        say("msgError");
      } else if (response.status === 400) {
        form.submit();  // the server could not read it: let the browser post the form (the answers stay kept)
      } else {
        failed(response, body, submitAnswers, "msgBusy", "msgSubmitRetry");
      }
    }).catch(function () {
      submitInFlight = false;
      failed(null, null, submitAnswers, "msgBusy", "msgSubmitRetry");
    });
  }

  form.addEventListener("submit", function (event) {
    if (!window.fetch) { return; }  // the browser posts the form; what is kept here stays until a page confirms it
    event.preventDefault();
    if (state.submitting || closed) { return; }
    var total = parseInt(form.dataset.total, 10);
    if (!clock.expired && countAnswered() < total && !window.confirm(form.dataset.msgConfirm)) { return; }
    var button = document.getElementById("quiz-submit");
    if (button) { button.disabled = true; }
    submitAnswers();
  });

  window.addEventListener("online", function () {
    if (timer) { window.clearTimeout(timer); timer = null; }
    if (state.submitting) { submitAnswers(); } else { flush(); }
  });
  window.addEventListener("offline", function () { if (Object.keys(state.pending).length) { say("msgOffline"); } });

  var clock = (function () {
    var timerEl = document.getElementById("quiz-timer");
    var clockEl = timerEl ? timerEl.querySelector(".quiz-clock") : null;
    var endsAt = null;
    var api = { expired: false, set: function () {} };
    if (!clockEl || form.dataset.remaining === undefined) { return api; }

    function show() {
      var left = Math.max(0, Math.round((endsAt - perfNow()) / 1000));
      var minutes = Math.floor(left / 60);
      var seconds = left % 60;
      clockEl.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
      timerEl.classList.toggle("is-low", left <= 60);
      if (left === 0 && !api.expired) {
        api.expired = true;
        // Nothing chosen from now on counts: the paper locks, and what is kept here goes with the submission.
        lock();
        if (!closed) { submitAnswers(); }
      }
    }
    api.set = function (remaining) { endsAt = perfNow() + remaining * 1000; show(); };
    api.set(parseInt(form.dataset.remaining, 10));
    window.setInterval(show, 1000);
    return api;
  }());

  // The paper's lease is the newest; an overdue paper has none, and the one kept from before the deadline serves.
  if (form.dataset.lease) { state.lease = form.dataset.lease; }
  // Answers kept from an earlier visit (offline, an outage, a reload): show them again and send them.
  Object.keys(state.pending).forEach(function (questionId) {
    form.querySelectorAll("input[name='q" + questionId + "']").forEach(function (box) {
      box.checked = state.pending[questionId].options.indexOf(box.value) !== -1;
    });
  });
  store();
  countAnswered();
  if (form.dataset.overdue || state.submitting) {
    if (form.dataset.overdue) { say("msgOverdue"); }
    submitAnswers();
  } else if (Object.keys(state.pending).length) {
    flush();
  }
}());
