// CodeMirror 6 editor for one exercise: Python highlighting, line numbers, Tab indent, Ctrl+Enter runs,
// the line an error points at marked (markLine), and a hint on focus that Esc then Tab leaves the editor.
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { python } from "@codemirror/lang-python";
import {
  bracketMatching,
  defaultHighlightStyle,
  indentOnInput,
  indentUnit,
  syntaxHighlighting,
} from "@codemirror/language";
import { EditorState, StateEffect, StateField } from "@codemirror/state";
import {
  Decoration,
  EditorView,
  drawSelection,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
} from "@codemirror/view";

const theme = EditorView.theme({
  "&": { fontSize: "0.8rem", border: "1px solid var(--md-default-fg-color--lighter, #ccc)", borderRadius: "4px" },
  ".cm-content": { fontFamily: "var(--md-code-font-family, monospace)", minHeight: "8em" },
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

export const LEAVE_HINT = "按 Esc 再按 Tab 离开编辑器";

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
        highlightActiveLine(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        indentUnit.of("    "),
        EditorState.tabSize.of(4),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        python(),
        keymap.of([...runKeys, indentWithTab, ...defaultKeymap, ...historyKeymap]),
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
