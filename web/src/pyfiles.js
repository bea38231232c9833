// Python modules the worker writes next to courseware_runtime.py (W2: error explanations, notebook-style output).
// Keys are module file names inside the worker's bundle folder; values are the sources, inlined by esbuild.
import DISPLAY_PY from "./display.py";
import EXPLAIN_PY from "./explain.py";

export const PY_FILES = {
  "courseware_display.py": DISPLAY_PY,
  "courseware_explain.py": EXPLAIN_PY,
};
