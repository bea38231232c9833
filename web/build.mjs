// Bundle the browser runtime (web/src) into build/web with esbuild; copy vendored scripts beside it.
import { build } from "esbuild";
import { cpSync, mkdirSync, rmSync } from "node:fs";

const out = "build/web";
rmSync(out, { recursive: true, force: true });
mkdirSync(`${out}/vendor`, { recursive: true });

await build({
  entryPoints: [
    { in: "web/src/main.js", out: "courseware" },
    { in: "web/src/courseware.css", out: "courseware" },
  ],
  bundle: true,
  minify: true,
  sourcemap: false,
  format: "iife",
  target: ["es2020"],
  outdir: out,
  logLevel: "warning",
});

cpSync("node_modules/mermaid/dist/mermaid.min.js", `${out}/vendor/mermaid.min.js`);
