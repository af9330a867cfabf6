// Source of static/vendor/codemirror.bundle.js (rebuild with `npm run build`).
//
// The bundle is an IIFE exposing `window.GraderEditor` with:
//   createEditor(textarea, {onChange, onRun, onSubmit, readOnly}) -> editor
//     (getValue, setValue, focus, markError(line, message), clearError, errorLine)
//   mountAll(root = document) -> [editor, ...]
//   pageIsDark() -> boolean
// The page calls GraderEditor.mountAll() itself (e.g. on DOMContentLoaded);
// the bundle does nothing on load.
//
// Every editor follows the page's theme: <html data-theme="dark|light">, or
// without it the system's prefers-color-scheme. A change of either swaps the
// editor's colours (a Compartment) at once.

import { basicSetup } from "codemirror";
import { Decoration, EditorView, GutterMarker, gutter, keymap } from "@codemirror/view";
import { Compartment, EditorState, Prec, RangeSet, StateEffect, StateField } from "@codemirror/state";
import { indentWithTab } from "@codemirror/commands";
import { HighlightStyle, defaultHighlightStyle, indentUnit, syntaxHighlighting } from "@codemirror/language";
import { python } from "@codemirror/lang-python";
import { oneDarkHighlightStyle, oneDarkTheme } from "@codemirror/theme-one-dark";

// --- contrast -------------------------------------------------------------
// The stock highlight colours fall short of 4.5:1 here and there (One Dark's
// names and comments, the light style's escapes and invalid tokens), so each
// is moved towards black (light) or white (dark) until it reaches 4.5:1 on
// every background a line may have: plain, the active line, an error line.

function rgb(hex) {
  let h = hex.replace("#", "");
  if (h.length === 3) h = [...h].map((c) => c + c).join("");
  return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16));
}

function luminance([r, g, b]) {
  const channel = (c) => {
    c /= 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

function contrast(a, b) {
  const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (high + 0.05) / (low + 0.05);
}

function legible(colour, backgrounds, towards) {
  let c = rgb(colour);
  const target = towards === "white" ? [255, 255, 255] : [0, 0, 0];
  for (let i = 0; i < 20 && Math.min(...backgrounds.map((bg) => contrast(c, rgb(bg)))) < 4.6; i++) {
    c = c.map((v, k) => Math.round(v + (target[k] - v) * 0.1));
  }
  return "#" + c.map((v) => v.toString(16).padStart(2, "0")).join("");
}

function legibleStyle(style, backgrounds, towards) {
  return HighlightStyle.define(
    style.specs.map((spec) => (spec.color ? { ...spec, color: legible(spec.color, backgrounds, towards) } : spec)),
  );
}

// editor, active line and error line (--bad-bg in static/css/site.css) backgrounds
const LIGHT_BACKGROUNDS = ["#ffffff", "#f3f6f8", "#fff6f6"];
const DARK_BACKGROUNDS = ["#282c34", "#2b313d", "#3a1d20"];
const lightHighlight = syntaxHighlighting(legibleStyle(defaultHighlightStyle, LIGHT_BACKGROUNDS, "black"));
const darkHighlight = syntaxHighlighting(legibleStyle(oneDarkHighlightStyle, DARK_BACKGROUNDS, "white"));

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
      color: "#5c6570", // 5.56:1 on the gutter
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
      color: "#9aa3b2", // 5.50:1 on the gutter (One Dark's own is 3.86)
      borderRight: "1px solid #3b4048",
      borderTopLeftRadius: "6px",
      borderBottomLeftRadius: "6px",
    },
  },
  { dark: true },
);
// first: of themes with equal selectors, the earlier one wins
const darkTheme = [darkTweaks, oneDarkTheme, darkHighlight];

const DARK_QUERY = "(prefers-color-scheme: dark)";

/** The page's theme: <html data-theme>, else the system's. */
export function pageIsDark() {
  const theme = document.documentElement.getAttribute("data-theme");
  if (theme === "dark") return true;
  if (theme === "light") return false;
  return !!(window.matchMedia && window.matchMedia(DARK_QUERY).matches);
}

function colours(dark) {
  return dark ? darkTheme : [lightTheme, lightHighlight];
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
  ".cm-activeLineGutter": { backgroundColor: "transparent", color: "inherit" },
  ".cm-scroller": { minHeight: "0" },
});

// --- an error's line -------------------------------------------------------
// A result with an error line marks it: a "!" in a gutter of its own and the
// line tinted (colours in static/css/site.css). Any edit clears it.

const setError = StateEffect.define();

class ErrorMarker extends GutterMarker {
  constructor(message) {
    super();
    this.message = message;
  }
  eq(other) {
    return other.message === this.message;
  }
  toDOM() {
    const el = document.createElement("span");
    el.className = "cm-error-marker";
    el.textContent = "!";
    el.title = this.message;
    el.setAttribute("role", "img");
    el.setAttribute("aria-label", this.message);
    return el;
  }
}

const errorField = StateField.define({
  create: () => null, // {line, from, message}
  update(value, tr) {
    for (const effect of tr.effects) if (effect.is(setError)) return effect.value;
    return tr.docChanged ? null : value;
  },
});

const errorMarks = [
  errorField,
  gutter({
    class: "cm-error-gutter",
    markers: (view) => {
      const error = view.state.field(errorField);
      return error ? RangeSet.of([new ErrorMarker(error.message).range(error.from)]) : RangeSet.empty;
    },
  }),
  EditorView.decorations.compute([errorField], (state) => {
    const error = state.field(errorField);
    if (!error) return Decoration.none;
    const line = Decoration.line({ class: "cm-error-line", attributes: { title: error.message } });
    return Decoration.set([line.range(error.from)]);
  }),
];

// --- Tab ----------------------------------------------------------------------
// CodeMirror's tab-focus mode: while on, Tab and Shift-Tab move focus as
// everywhere else. It is on whenever the editor is reached by the keyboard,
// so tabbing through the page never indents (nor changes) the code, and off
// once the user types or clicks in it; from then on Tab indents, and Escape
// then Tab leaves (CodeMirror's own escape hatch). Ctrl-M toggles it.
function tabFocus() {
  let pointer = false;
  return [
    EditorView.domEventHandlers({
      mousedown(event, view) {
        pointer = true;
        view.setTabFocusMode(false);
        return false;
      },
      focus(event, view) {
        if (!pointer) view.setTabFocusMode(true);
        pointer = false;
        return false;
      },
    }),
    EditorView.updateListener.of((update) => {
      const typed = update.transactions.some(
        (tr) => (tr.isUserEvent("input") && !tr.isUserEvent("input.replace")) || tr.isUserEvent("delete"),
      );
      if (typed) update.view.setTabFocusMode(false);
    }),
  ];
}

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

// The editable element takes the textarea's name (its aria-label or <label>)
// and description; tabindex makes it count as the scroller's focusable content.
function contentAttributes(textarea) {
  const label = textarea.labels && textarea.labels[0];
  const attributes = {
    "aria-label": textarea.getAttribute("aria-label") || (label && label.textContent.trim()) || "Code editor",
    tabindex: "0",
  };
  const described = textarea.getAttribute("aria-describedby");
  if (described) attributes["aria-describedby"] = described;
  return attributes;
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
 * Returns {getValue(), setValue(text), focus(), markError(line, message),
 * clearError(), errorLine(), view, textarea}.
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
    errorMarks, // before basicSetup: its gutter comes first, left of the line numbers
    basicSetup,
    keymap.of([indentWithTab]),
    tabFocus(),
    python(),
    indentUnit.of("    "),
    EditorState.tabSize.of(4),
    theme.of(colours(dark)),
    EditorView.contentAttributes.of(contentAttributes(textarea)),
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
    // Mark line `line` (from 1) as the error's, with `message` as its label.
    markError(line, message) {
      const n = Math.min(Math.max(1, line), view.state.doc.lines);
      view.dispatch({ effects: setError.of({ line: n, from: view.state.doc.line(n).from, message }) });
    },
    clearError() {
      if (view.state.field(errorField)) view.dispatch({ effects: setError.of(null) });
    },
    errorLine() {
      const error = view.state.field(errorField);
      return error ? error.line : null;
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
