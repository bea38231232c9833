// CodeMirror 6 editor for one exercise: Python highlighting, line numbers, Tab indent, Ctrl+Enter runs,
// the line an error points at marked (markLine), and a hint on focus that Esc then Tab leaves the editor.
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { python } from "@codemirror/lang-python";
import { bracketMatching, HighlightStyle, indentOnInput, indentUnit, syntaxHighlighting } from "@codemirror/language";
import { EditorState, StateEffect, StateField } from "@codemirror/state";
import { tags as t } from "@lezer/highlight";
import {
  Decoration,
  EditorView,
  drawSelection,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
} from "@codemirror/view";

// Material's code colours (CSS variables): the editor follows the light and dark scheme like the code blocks do,
// at ≥ 4.5:1 on the code background (docs/stylesheets/extra.css adjusts the few that were short of it).
const codeColors = HighlightStyle.define([
  { tag: [t.keyword, t.controlKeyword, t.operatorKeyword, t.definitionKeyword, t.moduleKeyword], color: "var(--md-code-hl-keyword-color)" },
  { tag: [t.string, t.special(t.string), t.regexp], color: "var(--md-code-hl-string-color)" },
  { tag: [t.number, t.bool, t.null, t.atom], color: "var(--md-code-hl-number-color)" },
  { tag: [t.comment, t.lineComment, t.blockComment], color: "var(--md-code-hl-comment-color)", fontStyle: "italic" },
  { tag: [t.function(t.variableName), t.function(t.propertyName)], color: "var(--md-code-hl-function-color)" },
  { tag: [t.standard(t.variableName), t.self, t.className], color: "var(--md-code-hl-constant-color)" },
  { tag: [t.escape, t.special(t.variableName)], color: "var(--md-code-hl-special-color)" },
  { tag: t.invalid, color: "var(--md-code-hl-number-color)", textDecoration: "underline wavy" },
]);

const theme = EditorView.theme({
  "&": { fontSize: "0.8rem", border: "1px solid var(--md-default-fg-color--lighter, #ccc)", borderRadius: "4px" },
  ".cm-content": { fontFamily: "var(--md-code-font-family, monospace)", minHeight: "8em", color: "var(--md-code-fg-color)" },
  ".cm-gutters": { color: "var(--cw-gutter, #6b6b6b)", border: "none" },
  ".cm-activeLineGutter": { backgroundColor: "transparent", color: "var(--md-code-fg-color)", fontWeight: "700" },
  ".cm-cursor, .cm-dropCursor": { borderLeftColor: "var(--md-code-fg-color)" },
  "&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection": { backgroundColor: "rgba(66, 135, 255, 0.3)" },
  ".cm-matchingBracket": { backgroundColor: "rgba(66, 135, 255, 0.25)", outline: "none" },
  ".cm-scroller": { overflow: "auto", maxHeight: "32em" },
  "&.cm-focused": { outline: "2px solid var(--md-accent-fg-color, #fb0)" },
});

const setErrorLine = StateEffect.define();

// The line of the last error (a line decoration that follows edits until the next run clears it).
const errorLine = StateField.define({
  create: () => Decoration.none,
  update(deco, tr) {
    let next = deco.map(tr.changes);
    for (const effect of tr.effects) {
      if (!effect.is(setErrorLine)) continue;
      next = effect.value
        ? Decoration.set([Decoration.line({ class: "cw-error-line" }).range(tr.state.doc.line(effect.value).from)])
        : Decoration.none;
    }
    return next;
  },
  provide: (field) => EditorView.decorations.from(field),
});

export const LEAVE_HINT = "Ctrl+Enter 运行；按 Esc 再按 Tab 离开编辑器";
// In the editor Tab indents (Python needs it). Esc lets the next Tab leave instead, for 10 s or until another key
// (CodeMirror's own Esc gives 2 s, too short for someone reading the hint first).
const ESC_TAB_MS = 10_000;
const leaveKeys = [{ key: "Escape", run: (view) => (view.setTabFocusMode(ESC_TAB_MS), true) }];

/**
 * @param {HTMLElement} parent
 * @param {string} doc
 * @param {{onRun: () => void, onChange: (code: string) => void, label: string}} hooks
 */
export function createEditor(parent, doc, hooks) {
  const runKeys = [
    { key: "Mod-Enter", preventDefault: true, run: () => (hooks.onRun(), true) },
    { key: "Shift-Enter", preventDefault: true, run: () => (hooks.onRun(), true) },
  ];
  const hint = document.createElement("div");
  hint.className = "cw-editor-hint";
  hint.id = `cw-editor-hint-${Math.random().toString(36).slice(2, 10)}`;
  hint.textContent = LEAVE_HINT;
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        indentUnit.of("    "),
        EditorState.tabSize.of(4),
        syntaxHighlighting(codeColors),
        python(),
        keymap.of([...runKeys, ...leaveKeys, indentWithTab, ...defaultKeymap, ...historyKeymap]),
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ "aria-label": hooks.label, "aria-describedby": hint.id }),
        errorLine,
        EditorView.updateListener.of((update) => {
          if (update.docChanged) hooks.onChange(update.state.doc.toString());
        }),
        theme,
      ],
    }),
  });
  parent.append(hint);
  return {
    view,
    getCode: () => view.state.doc.toString(),
    setCode: (code) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: code } }),
    /** Mark line ``n`` (1-based) and scroll it into view; null clears the mark. */
    markLine: (n) => {
      const line = n && n >= 1 && n <= view.state.doc.lines ? n : null;
      const effects = [setErrorLine.of(line)];
      if (line) effects.push(EditorView.scrollIntoView(view.state.doc.line(line).from, { y: "nearest" }));
      view.dispatch({ effects });
    },
  };
}
