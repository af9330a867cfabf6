// Source of static/vendor/codemirror.bundle.js (rebuild with `npm run build`).
//
// The bundle is an IIFE exposing `window.GraderEditor` with:
//   createEditor(textarea, {onChange, onRun, onSubmit, readOnly}) -> editor
//   mountAll(root = document) -> [editor, ...]
//   pageIsDark() -> boolean
// The page calls GraderEditor.mountAll() itself (e.g. on DOMContentLoaded);
// the bundle does nothing on load.
//
// Every editor follows the page's theme: <html data-theme="dark|light">, or
// without it the system's prefers-color-scheme. A change of either swaps the
// editor's colours (a Compartment) at once.

import { basicSetup } from "codemirror";
import { EditorView, keymap } from "@codemirror/view";
import { Compartment, EditorState, Prec } from "@codemirror/state";
import { indentWithTab } from "@codemirror/commands";
import { indentUnit } from "@codemirror/language";
import { python } from "@codemirror/lang-python";
import { oneDark } from "@codemirror/theme-one-dark";

const lightTheme = EditorView.theme(
  {
    "&": {
      fontSize: "14px",
      backgroundColor: "#ffffff",
      color: "#1f2328",
      // the page's control border (static/css/site.css): 3:1 against the page in both themes
      border: "1px solid var(--border, #8a94a3)",
      borderRadius: "6px",
    },
    "&.cm-focused": {
      outline: "2px solid rgba(9, 105, 218, 0.35)",
      outlineOffset: "-1px",
    },
    ".cm-scroller": {
      fontFamily:
        'ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace',
      lineHeight: "1.5",
      minHeight: "12em",
    },
    ".cm-content": { padding: "6px 0", caretColor: "#0969da" },
    ".cm-gutters": {
      backgroundColor: "#f6f8fa",
      color: "#8c959f",
      borderRight: "1px solid #d0d7de",
      borderTopLeftRadius: "6px",
      borderBottomLeftRadius: "6px",
    },
    ".cm-activeLine": { backgroundColor: "rgba(234, 238, 242, 0.55)" },
    ".cm-activeLineGutter": { backgroundColor: "#eaeef2", color: "#1f2328" },
    "&.cm-focused .cm-matchingBracket": {
      backgroundColor: "rgba(74, 194, 107, 0.25)",
      outline: "1px solid rgba(74, 194, 107, 0.6)",
    },
    "&.cm-focused .cm-nonmatchingBracket": {
      backgroundColor: "rgba(255, 129, 130, 0.3)",
    },
    "&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, ::selection":
      { backgroundColor: "rgba(84, 174, 255, 0.3)" },
    ".cm-tooltip": {
      border: "1px solid #d0d7de",
      backgroundColor: "#ffffff",
    },
  },
  { dark: false },
);

// One Dark's colours and highlighting, with the light theme's shape (size,
// border, radius) and a focus ring that shows on the dark background.
const darkTweaks = EditorView.theme(
  {
    "&": {
      fontSize: "14px",
      border: "1px solid var(--border, #6e7a8a)",
      borderRadius: "6px",
    },
    "&.cm-focused": {
      outline: "2px solid rgba(138, 180, 255, 0.55)",
      outlineOffset: "-1px",
    },
    ".cm-scroller": {
      fontFamily:
        'ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace',
      lineHeight: "1.5",
      minHeight: "12em",
    },
    ".cm-content": { padding: "6px 0" },
    ".cm-gutters": {
      borderRight: "1px solid #3b4048",
      borderTopLeftRadius: "6px",
      borderBottomLeftRadius: "6px",
    },
  },
  { dark: true },
);
const darkTheme = [oneDark, darkTweaks];

const DARK_QUERY = "(prefers-color-scheme: dark)";

/** The page's theme: <html data-theme>, else the system's. */
export function pageIsDark() {
  const theme = document.documentElement.getAttribute("data-theme");
  if (theme === "dark") return true;
  if (theme === "light") return false;
  return !!(window.matchMedia && window.matchMedia(DARK_QUERY).matches);
}

function colours(dark) {
  return dark ? darkTheme : lightTheme;
}

// The editors on the page, each with its colours' compartment. One observer
// of <html data-theme> and one of the system's preference serve them all.
const themed = new Set();
let watching = false;

function followTheme() {
  const dark = pageIsDark();
  for (const entry of themed) {
    if (!entry.view.dom.isConnected) {
      themed.delete(entry); // swapped out of the page
      continue;
    }
    if (entry.dark === dark) continue;
    entry.dark = dark;
    entry.view.dispatch({ effects: entry.compartment.reconfigure(colours(dark)) });
  }
}

function watchTheme() {
  if (watching) return;
  watching = true;
  new MutationObserver(followTheme).observe(document.documentElement, {
    attributes: true,
    attributeFilter: ["data-theme"],
  });
  if (window.matchMedia) {
    const query = window.matchMedia(DARK_QUERY);
    if (query.addEventListener) query.addEventListener("change", followTheme);
    else if (query.addListener) query.addListener(followTheme);
  }
}

// Read-only editors: no caret, no active-line band, dimmer gutter.
const readOnlyTheme = EditorView.theme({
  ".cm-content": { caretColor: "transparent" },
  ".cm-activeLine": { backgroundColor: "transparent" },
  ".cm-activeLineGutter": { backgroundColor: "transparent", color: "#8c959f" },
  ".cm-scroller": { minHeight: "0" },
});

function callbackKey(key, fn) {
  return {
    key,
    preventDefault: true,
    run: () => {
      fn();
      return true;
    },
  };
}

/**
 * Hide `textarea` and mount a CodeMirror 6 Python editor right after it.
 * The textarea's value is kept equal to the document on every change, so a
 * plain form POST still sends the code.
 *
 * options:
 *   onChange(text)  called after every document change
 *   onRun()         Ctrl-' / Cmd-'
 *   onSubmit()      Ctrl-Enter / Cmd-Enter
 *   readOnly        boolean
 *
 * Returns {getValue(), setValue(text), focus(), view, textarea}.
 */
export function createEditor(textarea, options = {}) {
  const { onChange, onRun, onSubmit, readOnly = false } = options;

  // Our keys first: they must beat the default Enter / insertNewline handling.
  const ownKeys = [];
  if (onSubmit) {
    ownKeys.push(callbackKey("Ctrl-Enter", onSubmit), callbackKey("Cmd-Enter", onSubmit));
  }
  if (onRun) {
    ownKeys.push(callbackKey("Ctrl-'", onRun), callbackKey("Cmd-'", onRun));
  }

  const theme = new Compartment();
  const dark = pageIsDark();
  const extensions = [
    Prec.highest(keymap.of(ownKeys)),
    basicSetup,
    keymap.of([indentWithTab]),
    python(),
    indentUnit.of("    "),
    EditorState.tabSize.of(4),
    theme.of(colours(dark)),
    EditorView.contentAttributes.of({
      "aria-label": textarea.getAttribute("aria-label") || "Code editor",
    }),
    EditorView.updateListener.of((update) => {
      if (!update.docChanged) return;
      const text = update.state.doc.toString();
      textarea.value = text;
      if (onChange) onChange(text);
    }),
  ];
  if (readOnly) {
    extensions.push(EditorState.readOnly.of(true), Prec.highest(readOnlyTheme));
  }
  // The page's Content-Security-Policy admits <style> elements with its nonce only.
  const nonce = document.querySelector('meta[name="csp-nonce"]')?.content;
  if (nonce) extensions.push(EditorView.cspNonce.of(nonce));

  const view = new EditorView({
    state: EditorState.create({ doc: textarea.value, extensions }),
  });

  // A hidden `required` textarea would make the browser refuse to submit the
  // form ("invalid form control is not focusable"); the server validates.
  textarea.required = false;
  textarea.style.display = "none";
  textarea.setAttribute("aria-hidden", "true");
  textarea.insertAdjacentElement("afterend", view.dom);
  themed.add({ view, compartment: theme, dark });
  watchTheme();

  // Keep the textarea right even if something else rewrote it (e.g. a
  // browser restoring form state) just before the form is sent.
  if (textarea.form) {
    textarea.form.addEventListener("submit", () => {
      textarea.value = view.state.doc.toString();
    });
  }

  const editor = {
    view,
    textarea,
    getValue() {
      return view.state.doc.toString();
    },
    // Replaces the whole document as one transaction, so Ctrl-Z undoes it.
    setValue(text) {
      view.dispatch({
        changes: { from: 0, to: view.state.doc.length, insert: String(text ?? "") },
        userEvent: "input.replace",
      });
    },
    focus() {
      view.focus();
    },
  };
  textarea.graderEditor = editor;
  return editor;
}

/**
 * Turn every `textarea[data-editor]` under `root` into an editor
 * (`data-readonly` makes it read-only). Textareas already mounted are skipped.
 * Returns the editors created by this call.
 */
export function mountAll(root = document) {
  const editors = [];
  for (const textarea of root.querySelectorAll("textarea[data-editor]")) {
    if (textarea.graderEditor) continue;
    editors.push(createEditor(textarea, { readOnly: textarea.hasAttribute("data-readonly") }));
  }
  return editors;
}
