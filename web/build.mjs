// Bundle the browser runtime (web/src) into build/web with esbuild; copy vendored scripts beside it.
// Output: courseware.js (page side), worker.js (Pyodide Web Worker, runtime.py inlined), courseware.css.
// Usage: node web/build.mjs [OUT_DIR]   (default build/web; tests bundle into a temporary folder)
import { build } from "esbuild";
import { cpSync, mkdirSync, rmSync } from "node:fs";

const out = process.argv[2] || "build/web";
rmSync(out, { recursive: true, force: true });
mkdirSync(`${out}/vendor`, { recursive: true });

await build({
  entryPoints: [
    { in: "web/src/main.js", out: "courseware" },
    { in: "web/src/worker.js", out: "worker" },
    { in: "web/src/courseware.css", out: "courseware" },
  ],
  bundle: true,
  minify: true,
  sourcemap: false,
  format: "iife",
  target: ["es2020"],
  outdir: out,
  loader: { ".py": "text" },
  legalComments: "none",
  logLevel: "warning",
});

cpSync("node_modules/mermaid/dist/mermaid.min.js", `${out}/vendor/mermaid.min.js`);
