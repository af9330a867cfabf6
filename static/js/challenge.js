// The challenge page: the editor, draft saving, Run/Submit shortcuts (from
// anywhere on the page), results announced and their error line marked.
// Results arrive through htmx (see templates/grader/_result.html).
(function () {
  "use strict";

  const SAVE_DELAY_MS = 800;
  const RETRY_MS = 3000;
  const POLL_RETRY_MS = 1000;

  function typeset(root) {
    if (!window.katex) return;
    root.querySelectorAll(".math").forEach((el) => {
      if (el.dataset.typeset) return;
      try {
        window.katex.render(el.textContent, el, { displayMode: el.classList.contains("block"), throwOnError: false });
        el.dataset.typeset = "1";
      } catch (e) { /* leave the TeX source visible */ }
    });
  }

  function setupEditor() {
    const form = document.getElementById("editor-form");
    const textarea = document.getElementById("code");
    if (!form || !textarea) return;
    const csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
    const draftUrl = form.dataset.draftUrl;
    const saveState = document.getElementById("save-state");
    const runButton = document.getElementById("run-button");
    const submitButton = document.getElementById("submit-button");
    const tryButton = document.getElementById("try-button"); // Try your own input (absent in a preview)
    const starter = JSON.parse(document.getElementById("starter-code").textContent);

    let saved = textarea.value;
    let timer = null;
    let saving = false;

    function show(text, kind) {
      saveState.textContent = text;
      saveState.className = "save-state " + (kind || "");
    }

    async function save() {
      timer = null;
      if (!draftUrl) return; // a preview keeps no draft
      const code = textarea.value;
      if (code === saved || saving) return;
      saving = true;
      show("Saving…");
      try {
        const response = await fetch(draftUrl, {
          method: "POST",
          headers: { "X-CSRFToken": csrf, "Content-Type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ code }),
          credentials: "same-origin",
        });
        const body = await response.json().catch(() => ({}));
        if (!response.ok) throw new Error(body.error || "the server answered " + response.status);
        saved = code;
        // typed on while this request was out: a save of the rest follows (below)
        if (textarea.value === saved) show("Saved", "ok");
        else show("Unsaved changes");
      } catch (err) {
        show("Not saved (" + err.message + "); retrying…", "error");
        timer = setTimeout(save, RETRY_MS);
      } finally {
        saving = false;
        if (textarea.value !== saved && !timer) timer = setTimeout(save, SAVE_DELAY_MS);
      }
    }

    function changed() {
      if (!draftUrl) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(save, SAVE_DELAY_MS);
      show("Unsaved changes");
    }

    const editor = window.GraderEditor.createEditor(textarea, {
      onChange: changed,
      onRun: () => runButton.click(),
      onSubmit: () => submitButton.click(),
    });

    document.getElementById("reset-button").addEventListener("click", () => {
      if (window.confirm("Replace your code with the starter code? Your current code will be lost.")) {
        editor.setValue(starter);
        changed();
      }
    });

    // One grading at a time: Run and Submit wait while one of yours is queued or
    // running (the panel follows it), and come back with its result or an error.
    function inFlight() {
      const result = document.getElementById("result");
      return !!result && ["queued", "running"].includes(result.dataset.status);
    }
    function setBusy(busy) {
      runButton.disabled = submitButton.disabled = busy;
    }
    document.body.addEventListener("htmx:afterSettle", () => {
      setBusy(inFlight());
      if (tryButton) tryButton.disabled = tryInFlight();
      resultArrived();
    });

    // Try your own input: one try-out at a time too (its own, beside gradings);
    // Ctrl/Cmd-Enter in its box tries it rather than submitting.
    function tryInFlight() {
      const result = document.getElementById("scratch-result");
      return !!result && ["queued", "running"].includes(result.dataset.status);
    }
    const scratchSource = document.getElementById("scratch-source");
    if (scratchSource && tryButton) {
      scratchSource.addEventListener("keydown", (e) => {
        if (e.key !== "Enter" || !(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey) return;
        e.preventDefault();
        tryButton.click();
      });
    }

    // Ctrl/Cmd-Enter and Ctrl/Cmd-' from anywhere on the page. They click the
    // buttons, which ignore a click while disabled (a grading in flight). In the
    // editor its own keymap has taken them already (default prevented).
    document.addEventListener("keydown", (e) => {
      if (e.defaultPrevented || !(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey) return;
      const button = e.key === "Enter" ? submitButton : e.key === "'" ? runButton : null;
      if (!button) return;
      e.preventDefault();
      button.click();
    });

    // Each new state of the panel (a new submission, or queued → running →
    // done) is announced once in #result-status, a live region no swap
    // replaces; its error line, if any, is marked in the editor's gutter.
    const status = document.getElementById("result-status");
    let shown = null;
    function announce(text) {
      // emptied first, so the same words for a new result are read again
      status.textContent = "";
      setTimeout(() => (status.textContent = text), 50);
    }
    function resultArrived() {
      const result = document.getElementById("result");
      if (!result || !result.dataset.announce) return;
      const key = result.dataset.submission + " " + result.dataset.status;
      if (key === shown) return;
      shown = key;
      const notice = document.getElementById("result-notice");
      announce(result.dataset.announce + (notice && notice.textContent ? ". " + notice.textContent : ""));
      editor.clearError();
      const line = parseInt(result.dataset.errorLine, 10);
      if (line) {
        const pre = result.querySelector(".error-box pre");
        const last = pre ? pre.textContent.trim().split("\n").pop() : ""; // e.g. "SyntaxError: ..."
        editor.markError(line, "Error on line " + line + (last ? ": " + last : ""));
      }
    }

    // Run and Submit save the code too (on the server), so the draft is current.
    const SAVED_WITH = new Map([[runButton, "run"], [submitButton, "submission"], [tryButton, "try-out"]]);
    document.body.addEventListener("htmx:beforeRequest", (e) => {
      if (e.detail.elt && SAVED_WITH.has(e.detail.elt)) {
        if (e.detail.elt === tryButton) tryButton.disabled = true;
        else setBusy(true);
        if (timer) clearTimeout(timer);
        timer = null;
        saved = textarea.value;
        if (draftUrl) show("Saved with your " + SAVED_WITH.get(e.detail.elt), "ok");
      }
    });
    // Refused as too large or not text: the server saved nothing, so say so
    // (the answer itself explains why) and keep warning on leaving.
    document.body.addEventListener("htmx:afterRequest", (e) => {
      if (e.detail.elt && SAVED_WITH.has(e.detail.elt) && [400, 413].includes(e.detail.xhr.status)) {
        saved = null;
        if (draftUrl) show("Not saved: too large or not text", "error");
      }
    });
    // The request that was to save the code failed: the draft may not be saved
    // after all, so save it again (and warn on leaving until it is).
    function notSavedAfterAll() {
      saved = null;
      changed();
      setBusy(inFlight());
      if (tryButton) tryButton.disabled = tryInFlight();
    }
    // A result poll that fails is tried again: the grading goes on regardless,
    // and a blip in the connection must not leave the panel stuck.
    function retryPoll(e) {
      const elt = e.detail.elt;
      const url = elt && ["result", "scratch-result"].includes(elt.id) ? elt.getAttribute("hx-get") : null;
      if (!url) return false;
      const state = elt.querySelector(".state");
      if (state && !state.querySelector(".retrying")) {
        state.insertAdjacentHTML("beforeend", ' <span class="retrying">(connection lost; retrying…)</span>');
      }
      setTimeout(() => window.htmx.ajax("GET", url, { source: elt, target: elt, swap: "outerHTML" }), POLL_RETRY_MS);
      return true;
    }
    // A request that failed outright: said where it was asked for (the try-out's
    // panel, or the result panel), and the code is saved again.
    function failed(e, text) {
      if (retryPoll(e)) return;
      const message = text + " Your code is still here; try again.";
      const panel = document.getElementById(e.detail.elt === tryButton ? "scratch-result" : "result");
      panel.innerHTML = '<p class="refused-message"></p>';
      panel.firstChild.textContent = message;
      if (e.detail.elt === tryButton) panel.className = "scratch-result refused"; // its live region reads it
      else announce(message);
      notSavedAfterAll();
    }
    document.body.addEventListener("htmx:sendError", (e) => failed(e, "The server could not be reached."));
    document.body.addEventListener("htmx:responseError", (e) =>
      failed(e, "The server failed (" + e.detail.xhr.status + ")."));
    window.addEventListener("beforeunload", (e) => {
      if (draftUrl && textarea.value !== saved) e.preventDefault();
    });
  }

  window.GraderTypeset = typeset; // the studio's statement preview uses it too
  document.addEventListener("DOMContentLoaded", () => {
    typeset(document);
    setupEditor();
    // hints and takeaways a result brings in place (out-of-band swaps) may hold math
    document.body.addEventListener("htmx:oobAfterSwap", (e) => typeset(e.detail.target));
  });
})();
