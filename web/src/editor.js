// CodeMirror 6 editor for one exercise: Python highlighting, line numbers, Tab indent, Ctrl+Enter runs.
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { python } from "@codemirror/lang-python";
import {
  bracketMatching,
  defaultHighlightStyle,
  indentOnInput,
  indentUnit,
  syntaxHighlighting,
} from "@codemirror/language";
import { EditorState } from "@codemirror/state";
import {
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
        EditorView.contentAttributes.of({ "aria-label": hooks.label }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) hooks.onChange(update.state.doc.toString());
        }),
        theme,
      ],
    }),
  });
  return {
    view,
    getCode: () => view.state.doc.toString(),
    setCode: (code) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: code } }),
  };
}
