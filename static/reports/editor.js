/* gkportal section editor.
 *
 * What only a browser can do: focus movement, pasting a block of cells, autosave, a local copy while
 * offline, and choosing between two people's edits. No rule and no sum lives here: the form is posted
 * to the check endpoint and the server's findings, sums and messages are shown where they belong.
 */
(function () {
  "use strict";

  var configEl = document.getElementById("editor-config");
  var form = document.getElementById("editor-form");
  if (!configEl || !form) return;
  var config = JSON.parse(configEl.textContent);

  var CHECK_DELAY = 250; // ms after the last keystroke
  var SAVE_DELAY = 3000; // autosave after typing stops
  var LEAVE_DELAY = 500; // autosave after leaving a field (short: coalesces fast Tab-bing)
  var RETRY_DELAY = 5000; // while offline or after a server error

  var revisionInput = document.getElementById("revision");
  var statusEl = document.getElementById("save-status");
  var noticeEl = document.getElementById("notice");
  var checkStateEl = document.getElementById("check-state");
  var fields = Array.prototype.slice.call(form.querySelectorAll("input[data-key], textarea[data-key]"));
  var byKey = {};
  fields.forEach(function (f) { byKey[f.dataset.key] = f; });
  var wraps = {};
  Array.prototype.forEach.call(form.querySelectorAll("[data-cell-wrap]"), function (w) { wraps[w.dataset.cellWrap] = w; });
  var outputs = {};
  Array.prototype.forEach.call(form.querySelectorAll("output[data-key]"), function (o) { outputs[o.dataset.key] = o; });
  var gridCells = Array.prototype.slice.call(form.querySelectorAll("[data-grid] [data-r]"));
  var gridInputs = gridCells.filter(function (el) { return el.tagName === "INPUT"; });
  var positions = {};
  gridCells.forEach(function (el) { positions[el.dataset.r + "," + el.dataset.c] = el; });

  var revision = config.revision;
  var saved = Object.assign({}, config.saved); // what the server holds at `revision`: the base of a merge
  var printed = {}; // numbers pasted onto 总计 cells: only compared with the sums, never stored
  var blankKeys = (config.blank || []).slice();
  var saving = false, saveAgain = false, saveTimer = null, retryTimer = null;
  var checkSeq = 0, checkTimer = null, checkAbort = null, checkRetries = 0;
  var conflictKeys = null; // keys awaiting a choice, while the conflict panel is open

  // ------------------------------------------------------------ values and the local copy

  function current() {
    var out = {};
    fields.forEach(function (f) { out[f.dataset.key] = f.value; });
    return out;
  }

  function same(a, b) { return String(a == null ? "" : a).trim() === String(b == null ? "" : b).trim(); }

  function isDirty() {
    return fields.some(function (f) { return !same(f.value, saved[f.dataset.key]); });
  }

  // Cells the server refused at the last save (a letter, 1.5, −3), with the text refused: they kept their
  // stored value, the text stays here, marked 待改正; saving again waits until something else changes.
  var refusedTyped = {};
  function needsSave() {
    return fields.some(function (f) {
      var k = f.dataset.key;
      if (same(f.value, saved[k])) return false;
      return !(k in refusedTyped && same(f.value, refusedTyped[k]));
    });
  }

  function storeLocal() {
    try {
      if (isDirty()) {
        localStorage.setItem(config.storageKey, JSON.stringify({
          revision: revision, base: saved, values: current(), at: Date.now()
        }));
      } else {
        localStorage.removeItem(config.storageKey);
      }
    } catch (e) { /* storage full or disabled: the server copy is all we have */ }
  }

  function readLocal() {
    try { return JSON.parse(localStorage.getItem(config.storageKey) || "null"); } catch (e) { return null; }
  }

  function labelOf(key) {
    var f = byKey[key];
    if (!f) return key;
    if (f.getAttribute("aria-label")) return f.getAttribute("aria-label");
    var l = form.querySelector('label[for="' + f.id + '"]');
    return l ? l.textContent.trim() : key;
  }

  function hhmmss(d) {
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return two(d.getHours()) + ":" + two(d.getMinutes()) + ":" + two(d.getSeconds());
  }

  // ------------------------------------------------------------ status and notices

  function setStatus(kind, text) {
    statusEl.className = "save-status status-" + kind;
    statusEl.textContent = text;
  }

  function notice(text) {
    noticeEl.textContent = "";
    var span = document.createElement("span");
    span.className = "notice-text";
    span.textContent = text;
    noticeEl.appendChild(span);
    var extra = document.createElement("span");
    extra.className = "notice-extra";
    noticeEl.appendChild(extra);
    var close = document.createElement("button");
    close.type = "button";
    close.className = "btn-close btn-sm float-end";
    close.setAttribute("aria-label", "关闭提示");
    close.addEventListener("click", function () {
      noticeEl.hidden = true;
      if (Object.keys(printed).length) { printed = {}; scheduleCheck(0); }
    });
    noticeEl.appendChild(close);
    noticeEl.hidden = false;
  }

  /* A second sentence under the current notice, replaced (not repeated) by each check. */
  function noticeExtra(text) {
    var extra = noticeEl.querySelector(".notice-extra");
    if (extra && !noticeEl.hidden) extra.textContent = text;
  }

  // ------------------------------------------------------------ the live check

  function body(extra) {
    var data = new URLSearchParams(new FormData(form));
    data.set("revision", String(revision));
    Object.keys(printed).forEach(function (k) { data.set("printed." + k, printed[k]); });
    Object.keys(extra || {}).forEach(function (k) { data.set(k, extra[k]); });
    return data;
  }

  // How many requests are on their way: shown as data-busy on the form (tests wait for "0").
  var inFlight = 0;
  function busy(delta) {
    inFlight += delta;
    form.dataset.busy = inFlight > 0 || checkTimer || saveTimer ? "1" : "0";
  }

  function post(url, data, signal) {
    busy(1);
    return fetch(url, {
      method: "POST", body: data, credentials: "same-origin", signal: signal,
      headers: { "X-Requested-With": "fetch", "Accept": "application/json" }
    }).then(function (resp) {
      // Read the body before counting the request as done: the server has finished with it then.
      return resp.text().then(function (text) {
        return {
          ok: resp.ok, status: resp.status,
          json: function () { return Promise.resolve().then(function () { return JSON.parse(text); }); }
        };
      });
    }).then(function (answer) { busy(-1); return answer; }, function (err) { busy(-1); throw err; });
  }

  function scheduleCheck(delay) {
    clearTimeout(checkTimer);
    checkTimer = setTimeout(runCheck, delay == null ? CHECK_DELAY : delay);
    busy(0);
  }

  function runCheck() {
    clearTimeout(checkTimer);
    checkTimer = null;
    var seq = ++checkSeq;
    if (checkAbort) checkAbort.abort();
    checkAbort = typeof AbortController === "function" ? new AbortController() : null;
    var data = body({ seq: String(seq) });
    return post(config.checkUrl, data, checkAbort && checkAbort.signal).then(function (resp) {
      if (!resp.ok) {
        return resp.json().catch(function () { return {}; }).then(function (err) {
          if (seq !== checkSeq) return;
          checkStateEl.textContent = err.error || ("暂时无法检查（" + resp.status + "）。");
          // A passing server error (a save holding the database a moment): ask again, a few times.
          if (resp.status >= 500 && checkRetries < 3) { checkRetries++; scheduleCheck(1000); }
        });
      }
      checkRetries = 0;
      return resp.json().then(function (answer) {
        // Only the answer to the latest request counts: an older one describes text since changed.
        if (seq !== checkSeq || String(answer.seq) !== String(seq)) return;
        applyCheck(answer, data);
      });
    }).catch(function (e) {
      if (e && e.name === "AbortError") return;
      if (seq !== checkSeq) return;
      checkStateEl.textContent = "网络不通，暂时无法检查；联网后自动检查。下面的检查结果和总计可能已过时。";
      form.classList.add("is-stale");
      document.getElementById("findings").classList.add("is-stale");
      document.getElementById("no-findings").hidden = true;
    });
  }

  function applyCheck(answer, sent) {
    var messages = {}; // key → [{severity, text}]
    function add(key, severity, text) { (messages[key] = messages[key] || []).push({ severity: severity, text: text }); }
    Object.keys(answer.cell_errors || {}).forEach(function (k) { add(k, "refused", "待改正：" + answer.cell_errors[k]); });
    // The same rules as findings.cell_marks on the server: acknowledged warnings and blank cells (S-CELLS)
    // mark no cell; a finding over several paragraphs speaks under the first of them only.
    (answer.findings || []).forEach(function (f) {
      var state = f.state || f.severity;
      if ((state !== "error" && state !== "warning") || f.rule === "S-CELLS") return;
      var prose = f.cells.filter(function (k) { return k.indexOf("prose.") === 0; });
      f.cells.forEach(function (k) { add(k, state, prose.indexOf(k) > 0 ? "" : f.message); });
    });
    Object.keys(answer.printed || {}).forEach(function (k) { add(k, "warning", answer.printed[k]); });
    Object.keys(wraps).forEach(function (key) { markCell(key, messages[key] || []); });

    Object.keys(answer.derived || {}).forEach(function (k) {
      if (outputs[k]) outputs[k].textContent = answer.derived[k];
    });
    Object.keys(answer.normalised || {}).forEach(function (k) {
      var f = byKey[k];
      if (!f || f === document.activeElement || f.value !== sent.get(k)) return;
      if (same(saved[k], f.value)) saved[k] = answer.normalised[k]; // same stored value, tidier text
      f.value = answer.normalised[k];
    });
    blankKeys = answer.blank || [];
    var blankPanel = document.getElementById("blank-panel");
    if (blankPanel) {
      blankPanel.hidden = blankKeys.length === 0;
      document.getElementById("blank-count").textContent = String(blankKeys.length);
    }
    if (answer.overview_chars != null) {
      document.getElementById("overview-count").textContent = String(answer.overview_chars);
      document.getElementById("overview-count-wrap").classList.toggle("over", !!answer.overview_over);
    }
    Object.keys(answer.phrases || {}).forEach(function (name) {
      var el = form.querySelector('[data-phrase="' + name + '"]');
      if (el) el.textContent = answer.phrases[name].text || answer.phrases[name].problem;
    });
    var refused = Object.keys(answer.cell_errors || {}).length;
    renderFindings(answer.findings || [], refused);
    announce(answer.findings || [], refused);
    form.classList.remove("is-stale");
    document.getElementById("findings").classList.remove("is-stale");
    var mismatched = Object.keys(answer.printed || {}).length;
    if (Object.keys(printed).length) {
      noticeExtra(mismatched ? " 粘贴的总计有 " + mismatched + " 处与按各项相加的结果不一致，已在表中用黄色虚线框标出。"
                             : " 粘贴的总计都与按各项相加的结果一致。");
    }
    checkStateEl.textContent = "已检查 " + hhmmss(new Date()) + (refused ? "；" + refused + " 个单元格填写有误" : "");
    showFocusInfo(document.activeElement);
  }

  function markCell(key, list) {
    var wrap = wraps[key];
    var refused = list.some(function (m) { return m.severity === "refused"; });
    var error = refused || list.some(function (m) { return m.severity === "error"; });
    var warning = !error && list.some(function (m) { return m.severity === "warning"; });
    wrap.classList.toggle("is-refused", refused);
    wrap.classList.toggle("is-error", error && !refused);
    wrap.classList.toggle("is-warning", warning);
    var msg = wrap.querySelector(".cell-msg");
    var texts = [];
    list.forEach(function (m) { if (m.text && texts.indexOf(m.text) < 0) texts.push(m.text); });
    if (msg) msg.textContent = texts.join(" ");
    var f = byKey[key] || outputs[key];
    if (f && f.tagName !== "OUTPUT") {
      if (error) f.setAttribute("aria-invalid", "true"); else f.removeAttribute("aria-invalid");
    }
    if (f) f.title = texts.join(" ") || (f.tagName === "OUTPUT" ? "自动计算，不需填写" : "");
  }

  // The live region speaks only when what this section has to fix changes (not "已检查 hh:mm:ss" each time).
  var announceEl = document.getElementById("check-announce");
  var lastSummary = null;

  function announce(findings, refused) {
    var mine = findings.filter(function (f) { return f.section === config.section; });
    var count = function (state) { return mine.filter(function (f) { return (f.state || f.severity) === state; }).length; };
    var errors = count("error"), warnings = count("warning");
    var summary = errors || warnings || refused
      ? "本部分现有" + (errors ? " " + errors + " 个错误" : "") + (warnings ? " " + warnings + " 条提示" : "") +
        (refused ? " " + refused + " 个单元格填写有误" : "") + "。"
      : "本部分没有发现问题。";
    if (announceEl && lastSummary !== null && summary !== lastSummary) announceEl.textContent = summary;
    lastSummary = summary;
  }

  function renderFindings(findings, refused) {
    var labels = config.severityLabels || {};
    var list = document.getElementById("findings");
    list.textContent = "";
    var mine = findings.filter(function (f) { return f.section === config.section; });
    // Blank cells (S-CELLS) after the rest, as the server renders them.
    mine = mine.filter(function (f) { return f.rule !== "S-CELLS"; }).concat(mine.filter(function (f) { return f.rule === "S-CELLS"; }));
    mine.forEach(function (f) {
      var state = f.state || f.severity;
      var li = document.createElement("li");
      li.className = "finding finding-" + state;
      li.dataset.rule = f.rule;
      li.dataset.findingState = state;
      var sev = document.createElement("span");
      sev.className = "sev";
      sev.textContent = f.label || labels[f.severity] || f.severity;
      li.appendChild(sev);
      li.appendChild(document.createTextNode(" "));
      var target = f.cells.map(function (k) { return byKey[k]; }).filter(Boolean)[0];
      var msg = document.createElement(target ? "button" : "span");
      msg.className = "msg" + (target ? " btn btn-link p-0 text-start" : "");
      if (target) {
        msg.type = "button";
        msg.addEventListener("click", function () { target.focus(); target.scrollIntoView({ block: "center" }); });
      }
      msg.textContent = f.message;
      li.appendChild(msg);
      if (f.acknowledged) {
        var note = document.createElement("div");
        note.className = "ack-note";
        note.textContent = f.acknowledged.by + "已确认" + (f.acknowledged.explanation ? "。说明：" : "");
        if (f.acknowledged.explanation) {
          var why = document.createElement("span");
          why.className = "ack-explanation";
          why.textContent = f.acknowledged.explanation;
          note.appendChild(why);
        }
        li.appendChild(note);
      }
      list.appendChild(li);
    });
    if (refused > 0) {
      var li = document.createElement("li");
      li.className = "finding finding-error";
      li.dataset.rule = "refused";
      li.textContent = refused + " 个单元格待改正：填写的不是有效的数，不参与检查，也不会保存（该格保留原来保存的值，您的输入留在页面上）。";
      list.insertBefore(li, list.firstChild);
    }
    document.getElementById("no-findings").hidden = mine.length > 0 || refused > 0;
    var others = findings.filter(function (f) { return f.section !== config.section && (f.state || f.severity) === "error"; }).length;
    document.getElementById("other-findings").hidden = others === 0;
    document.getElementById("other-count").textContent = String(others);
  }

  function showFocusInfo(el) {
    var info = document.getElementById("focus-info");
    if (!el || !el.dataset || !el.dataset.key || !wraps[el.dataset.key]) { info.hidden = true; return; }
    var msg = wraps[el.dataset.key].querySelector(".cell-msg");
    info.textContent = "";
    var name = document.createElement("div");
    name.className = "fw-semibold";
    name.textContent = "当前：" + labelOf(el.dataset.key);
    info.appendChild(name);
    if (msg && msg.textContent) {
      var text = document.createElement("div");
      text.textContent = msg.textContent;
      info.appendChild(text);
    }
    // The approver's open comments on this cell, beside it as well as above the section.
    Array.prototype.forEach.call(document.querySelectorAll('.editor-comments li.comment[data-resolved="0"]'), function (li) {
      if (li.dataset.cell !== el.dataset.key) return;
      var c = document.createElement("div");
      c.className = "focus-comment";
      c.textContent = "审核意见：" + (li.querySelector(".comment-text") || li).textContent;
      info.appendChild(c);
    });
    info.hidden = false;
  }

  // ------------------------------------------------------------ saving

  function scheduleSave(delay) {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(save, delay);
    busy(0);
  }

  function retryLater() {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(function () { if (needsSave()) save(); }, RETRY_DELAY);
  }

  function save() {
    clearTimeout(saveTimer);
    saveTimer = null;
    busy(0);
    if (conflictKeys) { setStatus("conflict", "有冲突：请先在上方逐个选择，再保存。"); return Promise.resolve(); }
    if (!needsSave()) {
      // A refused cell typed back to what is stored is no longer waiting to be corrected.
      var before = Object.keys(refusedTyped).length;
      fields.forEach(function (f) {
        var k = f.dataset.key;
        if (k in refusedTyped && !same(f.value, refusedTyped[k])) delete refusedTyped[k];
      });
      var left = Object.keys(refusedTyped).length;
      if (!saving && (statusEl.classList.contains("status-dirty") || left < before)) {
        setStatus(left ? "refused" : "saved", left
          ? left + " 个单元格待改正，这些格未保存（保留原值），您填写的内容仍在页面上"
          : "没有需要保存的修改");
      }
      return Promise.resolve();
    }
    if (saving) { saveAgain = true; return Promise.resolve(); }
    saving = true;
    var snapshot = current();
    setStatus("saving", "正在保存…");
    // The text each paragraph had when loaded (or last saved): the base of a merge on the server.
    var extra = {};
    fields.forEach(function (f) { if (f.tagName === "TEXTAREA") extra["base." + f.dataset.key] = saved[f.dataset.key] || ""; });
    return post(config.saveUrl, body(extra)).then(function (resp) {
      return resp.json().catch(function () { return {}; }).then(function (data) {
        if (resp.ok) {
          revision = data.revision;
          revisionInput.value = String(revision);
          // A copy: `snapshot` keeps what was sent (the refused cells' typed text), `saved` what is stored.
          saved = Object.assign({}, snapshot);
          refusedTyped = {};
          var now = current();
          Object.keys(data.refused || {}).forEach(function (k) {
            saved[k] = (data.stored || {})[k] || "";
            // Still waiting to be corrected only if the cell still shows the text refused (the clerk may
            // have typed over it while this save was on its way).
            if (same(now[k], snapshot[k])) refusedTyped[k] = snapshot[k];
          });
          var refusedCount = Object.keys(refusedTyped).length;
          storeLocal();
          var more = needsSave();
          setStatus(more ? "dirty" : (refusedCount ? "refused" : "saved"), "已保存 " + data.saved_at +
            (refusedCount ? "；" + refusedCount + " 个单元格待改正，这些格未保存（保留原值），您填写的内容仍在页面上" : "") +
            (more ? "（之后还有修改）" : ""));
          if (more) scheduleSave(SAVE_DELAY);
          if (refusedCount) scheduleCheck(0);
        } else if (resp.status === 409) {
          merge(saved, current(), data.values, data.revision, data.saved_at, data);
        } else if (resp.status === 400) {
          setStatus("refused", (data.error || "有单元格填写有误，未保存。") + "您的输入保存在本机浏览器中。");
          scheduleCheck(0);
        } else {
          setStatus("error", (data.error || ("保存失败（" + resp.status + "）。")) + " 修改已保存在本机浏览器中。");
          if (resp.status >= 500) retryLater();
        }
      });
    }).catch(function () {
      setStatus("offline", "网络已断开：修改已保存在本机浏览器中，联网后自动保存。");
      retryLater();
    }).then(function () {
      saving = false;
      if (saveAgain) { saveAgain = false; save(); }
    });
  }

  // ------------------------------------------------------------ someone else saved meanwhile

  /* Who saved meanwhile, as the notices name them: this person in another window, a colleague by name. */
  function whoSaved(server, at) {
    if (server && server.by_me) return "您在另一个窗口/标签页中" + (at ? "（" + at + "）" : "");
    return (server && server.by ? server.by : "其他同事") + (at ? "于 " + at + " " : "");
  }

  /* Three-way merge: a cell only one side changed takes that side; a cell both changed, differently,
   * is a conflict the user decides. `base` is what both started from. A paragraph both changed at
   * different places comes merged from the server (`server.merged`, reports/merging.py); only
   * overlapping edits are asked, with the difference marked (`server.diffs`). */
  function merge(base, mine, theirs, theirsRevision, theirsAt, server) {
    server = server || {};
    var merged = server.merged || {};
    var conflicts = [], mergedProse = 0;
    Object.keys(theirs).forEach(function (k) {
      if (!byKey[k]) return;
      var b = base[k], m = mine[k], t = theirs[k];
      if (same(m, t) || same(t, b)) return; // equal, or only I changed it: keep mine
      if (same(m, b)) { byKey[k].value = t; return; } // only they changed it
      if (merged[k] != null && byKey[k].value === m) { byKey[k].value = merged[k]; mergedProse++; return; }
      conflicts.push(k);
    });
    saved = Object.assign({}, theirs);
    revision = theirsRevision;
    revisionInput.value = String(revision);
    storeLocal();
    scheduleCheck(0);
    updateCounts();
    if (conflicts.length) {
      openConflict(conflicts, mine, theirs, theirsAt, server);
    } else {
      notice(whoSaved(server, theirsAt) + "保存了这一部分，已与您的修改合并" +
             (mergedProse ? "（同一段中不同位置的修改已逐字合并）" : "") +
             (server.by_me ? "，两处的修改都没有丢。" : "，谁的修改都没有丢。"));
      save();
    }
  }

  /* One side of a paragraph in conflict: the text, with what only this side has marked. */
  function diffView(segments, side) {
    var box = document.createElement("div");
    box.className = "prose-diff";
    segments.forEach(function (seg) {
      var op = seg[0], text = seg[1];
      if (op === 0) { box.appendChild(document.createTextNode(text)); return; }
      if ((op === -1) !== (side === "theirs")) return;
      var mark = document.createElement(side === "theirs" ? "del" : "ins");
      mark.textContent = text;
      box.appendChild(mark);
    });
    return box;
  }

  function openConflict(keys, mine, theirs, theirsAt, server) {
    var diffs = (server && server.diffs) || {};
    conflictKeys = keys;
    var panel = document.getElementById("conflict");
    var rows = document.getElementById("conflict-rows");
    rows.textContent = "";
    keys.forEach(function (k, i) {
      var tr = document.createElement("tr");
      tr.dataset.key = k;
      var th = document.createElement("th");
      th.scope = "row";
      th.textContent = labelOf(k);
      tr.appendChild(th);
      [["theirs", theirs[k]], ["mine", mine[k]]].forEach(function (pair) {
        var td = document.createElement("td");
        var label = document.createElement("label");
        var radio = document.createElement("input");
        radio.type = "radio";
        radio.name = "conflict-" + i;
        radio.value = pair[0];
        radio.className = "form-check-input me-1";
        radio.setAttribute("aria-label", labelOf(k) + "：" + (pair[0] === "theirs" ? "用对方的 " : "用我的 ") + (pair[1] || "空"));
        label.appendChild(radio);
        if (diffs[k]) label.appendChild(diffView(diffs[k], pair[0]));
        else label.appendChild(document.createTextNode(pair[1] === "" || pair[1] == null ? "（空）" : pair[1]));
        td.appendChild(label);
        tr.appendChild(td);
      });
      rows.appendChild(tr);
    });
    panel.querySelector("#conflict-title").textContent =
      whoSaved(server, theirsAt) + "保存了这一部分：" + keys.length + " 处两边改的是同一个地方，请选择";
    var heads = panel.querySelectorAll("thead th");
    if (heads.length === 3) {
      heads[1].textContent = server && server.by_me ? "另一个窗口保存的" : "对方保存的";
      heads[2].textContent = server && server.by_me ? "本页填写的" : "您填写的";
    }
    panel.hidden = false;
    panel.scrollIntoView({ block: "start" });
    setStatus("conflict", "有冲突：请在上方逐个选择，再点“按所选保存”。");
    keys.forEach(function (k) { if (wraps[k]) wraps[k].classList.add("is-conflict"); });
  }

  function resolveConflict(all) {
    var rows = Array.prototype.slice.call(document.querySelectorAll("#conflict-rows tr"));
    var missing = 0;
    rows.forEach(function (tr) {
      var choice = all || (tr.querySelector("input:checked") || {}).value;
      if (!choice) { missing++; return; }
      if (choice === "theirs") byKey[tr.dataset.key].value = saved[tr.dataset.key] || "";
    });
    if (missing) {
      setStatus("conflict", "还有 " + missing + " 个单元格没有选择保留哪一个。");
      return;
    }
    conflictKeys.forEach(function (k) { if (wraps[k]) wraps[k].classList.remove("is-conflict"); });
    conflictKeys = null;
    document.getElementById("conflict").hidden = true;
    storeLocal();
    scheduleCheck(0);
    if (isDirty()) save(); else setStatus("saved", "已采用对方保存的内容");
  }

  document.getElementById("conflict-save").addEventListener("click", function () { resolveConflict(null); });
  document.getElementById("conflict-all-theirs").addEventListener("click", function () { resolveConflict("theirs"); });
  document.getElementById("conflict-all-mine").addEventListener("click", function () { resolveConflict("mine"); });

  // ------------------------------------------------------------ typing, leaving, pasting

  function edited() {
    storeLocal();
    updateCounts();
    if (!conflictKeys) setStatus("dirty", "有未保存的修改");
    scheduleCheck();
    scheduleSave(SAVE_DELAY);
  }

  form.addEventListener("input", function (e) { if (e.target.dataset && e.target.dataset.key) edited(); });
  form.addEventListener("change", function (e) {
    if (e.target.dataset && e.target.dataset.key && needsSave()) scheduleSave(LEAVE_DELAY);
  });
  form.addEventListener("submit", function (e) { e.preventDefault(); save(); });
  form.addEventListener("focusin", function (e) { showFocusInfo(e.target); });

  function caretAtStart(el) { return el.selectionStart === 0 && el.selectionEnd === 0; }
  function caretAtEnd(el) { return el.selectionStart === el.value.length && el.selectionEnd === el.value.length; }

  function step(el, dir) {
    var i = gridInputs.indexOf(el) + dir;
    return gridInputs[i] || null;
  }

  function vertical(el, dir) {
    var r = +el.dataset.r, c = +el.dataset.c;
    var rows = gridInputs.map(function (x) { return +x.dataset.r; });
    var last = Math.max.apply(null, rows), first = Math.min.apply(null, rows);
    for (var rr = r + dir; rr >= first && rr <= last; rr += dir) {
      var candidates = gridInputs.filter(function (x) { return +x.dataset.r === rr; });
      if (!candidates.length) continue;
      candidates.sort(function (a, b) { return Math.abs(+a.dataset.c - c) - Math.abs(+b.dataset.c - c); });
      return candidates[0];
    }
    return null;
  }

  form.addEventListener("keydown", function (e) {
    var el = e.target;
    if (!el.matches || !el.matches("[data-grid] input[data-r]")) return;
    if (e.isComposing || e.keyCode === 229) return; // the input method is composing: its keys, not ours
    var target = null;
    switch (e.key) {
      case "Enter": e.preventDefault(); target = step(el, e.shiftKey ? -1 : 1); break;
      case "ArrowDown": target = vertical(el, 1); break;
      case "ArrowUp": target = vertical(el, -1); break;
      case "ArrowRight": if (caretAtEnd(el)) target = step(el, 1); break;
      case "ArrowLeft": if (caretAtStart(el)) target = step(el, -1); break;
      default: return;
    }
    if (target) {
      e.preventDefault();
      target.focus();
      target.select();
    }
  });

  /* A block copied from Excel or Word (tab between cells, newline between rows) fills the grid from the
   * focused cell, in the printed table's rows and columns. A number landing on a 总计 cell (its column
   * or row) is not stored — the sums are derived — but sent with the check, which says where it
   * differs from the sum. So a 7-column row pasted at 自然人 fills the six entered columns and checks
   * the seventh against the derived 总计. */
  form.addEventListener("paste", function (e) {
    var el = e.target;
    if (!el.matches || !el.matches("[data-grid] input[data-r]")) return;
    var text = (e.clipboardData || window.clipboardData).getData("text");
    text = text.replace(/\r\n?/g, "\n").replace(/\n+$/, "");
    if (!/[\t\n]/.test(text)) return; // one value: the browser pastes it into the cell
    e.preventDefault();
    pasteBlock(el, text.split("\n").map(function (line) { return line.split("\t"); }));
  });

  function pasteBlock(start, rows) {
    var r0 = +start.dataset.r, c0 = +start.dataset.c;
    var filled = 0, totals = 0, outside = 0, width = 0;
    printed = {};
    rows.forEach(function (cells, i) {
      width = Math.max(width, cells.length);
      cells.forEach(function (raw, j) {
        var value = raw.trim();
        var el = positions[(r0 + i) + "," + (c0 + j)];
        if (!el) { if (value) outside++; return; }
        if (el.tagName === "OUTPUT") {
          if (value) { printed[el.dataset.key] = value; totals++; }
          return;
        }
        el.value = value;
        filled++;
      });
    });
    var text = "已从“" + labelOf(start.dataset.key) + "”起粘贴 " + rows.length + " 行 × " + width + " 列，填入 " + filled + " 个单元格。";
    if (totals) text += " 其中 " + totals + " 个数落在“总计”位置：总计由系统按各项相加，这些数不保存，只用来核对。";
    if (outside) text += " 超出表格的 " + outside + " 个数没有粘贴。";
    notice(text);
    edited();
    scheduleCheck(0);
    scheduleSave(LEAVE_DELAY);
  }

  // ------------------------------------------------------------ counts, blanks, standard sentences

  function nonblank(s) { return Array.from(s.replace(/\s/g, "")).length; }

  function updateCounts() {
    var overview = fields.filter(function (f) { return f.dataset.count === "overview"; });
    if (overview.length) {
      document.getElementById("overview-count").textContent =
        String(overview.reduce(function (n, f) { return n + nonblank(f.value); }, 0));
    }
    fields.forEach(function (f) {
      if (f.dataset.count !== "self") return;
      var el = form.querySelector('[data-count-of="' + f.dataset.key + '"]');
      if (el) el.textContent = String(nonblank(f.value));
    });
  }

  var nextBlank = document.getElementById("next-blank");
  if (nextBlank) {
    nextBlank.addEventListener("click", function () {
      var els = blankKeys.map(function (k) { return byKey[k]; }).filter(Boolean);
      if (!els.length) return;
      var after = els.filter(function (el) {
        return document.activeElement && (document.activeElement.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
      });
      var target = after[0] || els[0];
      target.focus();
      target.scrollIntoView({ block: "center" });
    });
  }

  var generate = document.getElementById("generate-on-request");
  if (generate) {
    generate.addEventListener("click", function () {
      var target = byKey["prose.overview_on_request"];
      generate.disabled = true;
      post(config.checkUrl, body({ generate: "on_request", seq: "generate" })).then(function (resp) {
        if (!resp.ok) throw new Error(String(resp.status));
        return resp.json();
      }).then(function (answer) {
        var g = answer.generated || {};
        var text = g["prose.overview_on_request"];
        var problems = (g.problems || []).join(" ");
        if (text != null && text !== target.value) {
          target.value = text;
          edited();
          notice("已按表三、表四写入标准表述，请检查后按需要修改。" + (problems ? " " + problems : ""));
        } else {
          notice(problems || "这一段中的标准表述已是最新的。");
        }
        target.focus();
      }).catch(function () {
        notice("暂时无法生成（网络不通或服务器出错），请稍后再试。");
      }).then(function () { generate.disabled = false; });
    });
  }

  // ------------------------------------------------------------ never lose work

  window.addEventListener("beforeunload", function (e) {
    storeLocal();
    if (isDirty() || saving) {
      e.preventDefault();
      e.returnValue = "";
    }
  });
  window.addEventListener("online", function () { scheduleCheck(0); if (needsSave()) save(); });
  window.addEventListener("offline", function () {
    setStatus("offline", "网络已断开：修改会保存在本机浏览器中，联网后自动保存。");
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && needsSave()) save();
  });

  // What this browser kept from an earlier visit that never reached the server.
  var local = readLocal();
  if (local && local.values) {
    var differs = Object.keys(local.values).some(function (k) { return byKey[k] && !same(local.values[k], byKey[k].value); });
    if (!differs) {
      try { localStorage.removeItem(config.storageKey); } catch (e) { /* nothing to do */ }
    } else if (local.revision === revision) {
      Object.keys(local.values).forEach(function (k) { if (byKey[k]) byKey[k].value = local.values[k]; });
      notice("已恢复您在本机 " + hhmmss(new Date(local.at)) + " 未保存的修改，正在保存。");
      updateCounts();
      save();
    } else {
      var mine = Object.assign(current(), local.values);
      merge(local.base || {}, mine, Object.assign({}, saved), revision, "");
      var restored = "已恢复您在本机 " + hhmmss(new Date(local.at)) + " 未保存的修改。";
      if (noticeEl.hidden) notice(restored); else noticeExtra(" " + restored);
    }
  }

  if (location.hash) {
    var target = document.getElementById(location.hash.slice(1));
    if (target && target.dataset.key) { target.focus(); target.scrollIntoView({ block: "center" }); }
  }
  updateCounts();
  runCheck();
})();
