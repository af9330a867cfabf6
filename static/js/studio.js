// The challenge editor: code fields become CodeMirror editors, and the
// statement's live preview (rendered by the server through htmx) gets KaTeX
// (GraderTypeset, from challenge.js).
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", () => {
    if (window.GraderEditor) window.GraderEditor.mountAll();
    document.body.addEventListener("htmx:afterSwap", (e) => window.GraderTypeset(e.detail.target));
  });
})();
