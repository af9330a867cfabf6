// The challenge editor: code fields become CodeMirror editors, and the
// statement's live preview (rendered by the server through htmx) gets KaTeX.
(function () {
  "use strict";

  function typeset(root) {
    if (!window.katex) return;
    root.querySelectorAll(".math").forEach((el) => {
      try {
        window.katex.render(el.textContent, el, { displayMode: el.classList.contains("block"), throwOnError: false });
      } catch (e) { /* leave the TeX source visible */ }
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    if (window.GraderEditor) window.GraderEditor.mountAll();
    document.body.addEventListener("htmx:afterSwap", (e) => typeset(e.detail.target));
  });
})();
