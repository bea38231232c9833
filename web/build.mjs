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
    { in: "web/src/grading/worker.js", out: "grading-worker" }, // 教师批改 workers
    { in: "web/src/instant.js", out: "instant" }, // loaded in <head> (mkdocs.yml extra.polyfills)
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

// The "tiny" build of mermaid (flowcharts, sequence, state … without KaTeX and a few rare diagram types) keeps the
// site 1 MB smaller; the file keeps the name Material and mkdocs.yml expect.
cpSync("node_modules/@mermaid-js/tiny/dist/mermaid.tiny.js", `${out}/vendor/mermaid.min.js`);
