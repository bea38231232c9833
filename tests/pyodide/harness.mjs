// Long-lived Pyodide session for the test-suite: Node loads the site's own trimmed distribution offline.
// Protocol on stdin/stdout, one JSON object per line:
//   request  {"id": n, "code": "..."}        -> response {"id": n, "ok": true, "stdout": "..."}
//                                              or        {"id": n, "ok": false, "stdout": "...", "error": "traceback"}
// The repository root is mounted at /project (read-only use) and put on sys.path, cwd is /home/pyodide.
import { createInterface } from "node:readline";
import { resolve } from "node:path";

const [indexDir, projectDir] = process.argv.slice(2);
const { loadPyodide } = await import(resolve(indexDir, "pyodide.mjs"));
const pyodide = await loadPyodide({ indexURL: resolve(indexDir) + "/", stdout: () => {}, stderr: () => {} });
await pyodide.loadPackage(["pandas", "openpyxl", "ruamel.yaml"], { messageCallback: () => {} });
pyodide.FS.mkdirTree("/project");
pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: resolve(projectDir) }, "/project");
pyodide.runPython(`
import sys, io, os
sys.path.insert(0, "/project")
os.chdir("/home/pyodide")
`);
const runner = pyodide.runPython(`
import contextlib, io, traceback
def _run(code):
    buf = io.StringIO()
    ns = {"__name__": "__main__"}
    try:
        with contextlib.redirect_stdout(buf):
            exec(compile(code, "<test>", "exec"), ns)
        return (True, buf.getvalue(), "")
    except BaseException:
        return (False, buf.getvalue(), traceback.format_exc())
_run
`);
process.stdout.write(JSON.stringify({ ready: true, version: pyodide.version }) + "\n");

const rl = createInterface({ input: process.stdin });
for await (const line of rl) {
  if (!line.trim()) continue;
  const req = JSON.parse(line);
  const res = runner(req.code);
  const [ok, stdout, error] = res.toJs();
  res.destroy();
  process.stdout.write(JSON.stringify({ id: req.id, ok, stdout, error }) + "\n");
}
