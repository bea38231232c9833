"""The Python modules of the browser runtime, loaded into a Pyodide session the way the worker loads them.

The worker writes the sources listed in web/src/pyfiles.js (module file name → web/src source) into its bundle
folder and imports them from there; this does the same in a test's Pyodide session (mapping read from that file).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYFILES = ROOT / "web" / "src" / "pyfiles.js"
MODULE_DIR = "/home/pyodide/.courseware-web"


def py_files() -> dict[str, str]:
    """``{"courseware_display.py": "display.py", …}`` from web/src/pyfiles.js."""
    text = PYFILES.read_text(encoding="utf-8")
    sources = dict(re.findall(r'import (\w+) from "\./(\w+\.py)";', text))
    return {name: sources[var] for name, var in re.findall(r'"(courseware_\w+\.py)": (\w+)', text)}


def load_web_modules(session, *, runtime: bool = False) -> None:
    """Copy the modules (and web/src/runtime.py as courseware_runtime.py when ``runtime``) and put them on sys.path."""
    files = py_files()
    if runtime:
        files["courseware_runtime.py"] = "runtime.py"
    session.run(
        "import os, shutil, sys\n"
        f"os.makedirs({MODULE_DIR!r}, exist_ok=True)\n"
        f"for name, source in {json.dumps(files)}.items():\n"
        f"    shutil.copyfile('/project/web/src/' + source, os.path.join({MODULE_DIR!r}, name))\n"
        f"if {MODULE_DIR!r} not in sys.path:\n"
        f"    sys.path.insert(0, {MODULE_DIR!r})\n"
    )
