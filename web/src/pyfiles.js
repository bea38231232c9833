// Python modules the worker writes next to courseware_runtime.py (W2: error explanations, notebook-style output).
// Keys are module file names inside the worker's bundle folder; values are the sources, inlined by esbuild.
// tests/test_explain_pyodide.py reads this mapping to load the same modules under the same names.
import DISPLAY_PY from "./display.py";
import EXPLAIN_PY from "./explain.py";
import EXPLAIN_NAMES_PY from "./explain_names.py";
import EXPLAIN_SYNTAX_PY from "./explain_syntax.py";
import EXPLAIN_VALUES_PY from "./explain_values.py";

export const PY_FILES = {
  "courseware_display.py": DISPLAY_PY,
  "courseware_explain.py": EXPLAIN_PY,
  "courseware_explain_names.py": EXPLAIN_NAMES_PY,
  "courseware_explain_syntax.py": EXPLAIN_SYNTAX_PY,
  "courseware_explain_values.py": EXPLAIN_VALUES_PY,
};
