// Idle logout warning (gkportal/idle.py). A minute before the server would sign the person out, a dialog
// offers 继续, which posts to /session/ping/. Before warning, the page asks the server how long is left
// (another tab or the editor's autosave may have kept the session alive). When the time is up, the page
// stays as it is: the editor keeps unsaved edits in this browser and restores them after signing in again.
(function () {
  "use strict";
  var body = document.body;
  if (!body.hasAttribute("data-idle-left")) return;
  var dialog = document.getElementById("idle-dialog");
  if (!dialog) return;
  var WARN_BEFORE = 60;  // seconds
  var stateUrl = body.getAttribute("data-idle-state-url");
  var pingUrl = body.getAttribute("data-idle-ping-url");
  var countdown = dialog.querySelector("[data-idle-countdown]");
  var warning = dialog.querySelector("[data-idle-warning]");
  var expired = dialog.querySelector("[data-idle-expired]");
  var keep = dialog.querySelector("[data-idle-continue]");
  var deadline = Date.now() + Number(body.getAttribute("data-idle-left")) * 1000;
  var timer = null;
  var ticker = null;

  function schedule(delaySeconds, fn) {
    clearTimeout(timer);
    timer = setTimeout(fn, Math.max(0, delaySeconds) * 1000);
  }

  function open() {
    if (!dialog.open) {
      if (dialog.showModal) dialog.showModal(); else dialog.setAttribute("open", "");
    }
  }

  function close() {
    clearInterval(ticker);
    if (dialog.open) {
      if (dialog.close) dialog.close(); else dialog.removeAttribute("open");
    }
  }

  function secondsLeft() {
    return Math.max(0, Math.round((deadline - Date.now()) / 1000));
  }

  function showExpired() {
    clearInterval(ticker);
    warning.hidden = true;
    expired.hidden = false;
    dialog.setAttribute("aria-labelledby", "idle-expired-title");
    open();
    var link = expired.querySelector("a");
    if (link) link.focus();
  }

  function showWarning() {
    warning.hidden = false;
    expired.hidden = true;
    dialog.setAttribute("aria-labelledby", "idle-title");
    countdown.textContent = secondsLeft();
    open();
    keep.focus();
    clearInterval(ticker);
    // The number changes every second for the eye only: the live text is the sentence, read once.
    ticker = setInterval(function () { countdown.textContent = secondsLeft(); }, 1000);
    schedule(secondsLeft(), check);
  }

  function check() {
    fetch(stateUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (state) {
        if (!state.signed_in || state.seconds_left <= 0) return showExpired();
        deadline = Date.now() + state.seconds_left * 1000;
        if (state.seconds_left > WARN_BEFORE + 5) {
          close();
          schedule(state.seconds_left - WARN_BEFORE, check);
        } else {
          showWarning();
        }
      })
      .catch(function () { schedule(10, check); });  // offline: ask again shortly
  }

  keep.addEventListener("click", function () {
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    fetch(pingUrl, {
      method: "POST", credentials: "same-origin",
      headers: {"X-CSRFToken": token ? token.value : "", "Accept": "application/json"},
    })
      .then(function (r) { return r.json(); })
      .then(function (state) {
        if (!state.signed_in) return showExpired();
        deadline = Date.now() + state.seconds_left * 1000;
        close();
        schedule(state.seconds_left - WARN_BEFORE, check);
      })
      .catch(function () { schedule(5, check); });
  });
  dialog.addEventListener("cancel", function (event) {
    event.preventDefault();  // Escape on the warning means 继续; after the logout it changes nothing
    if (!warning.hidden) keep.click();
  });

  schedule(secondsLeft() - WARN_BEFORE, check);
})();
