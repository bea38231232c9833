// Write the site's service worker: bundle web/src/sw.js with esbuild, then let workbox-build inject the
// revisioned precache list of every file in the built site.
// Usage: node web/sw-build.mjs SITE_DIR   (run by the courseware plugin after every other build step)
// Prints one JSON line: {"count": files precached, "size": their bytes, "warnings": [...]}.
import { build } from "esbuild";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { injectManifest } from "workbox-build";

const site = process.argv[2];
if (!site) {
  console.error("用法：node web/sw-build.mjs 网站目录");
  process.exit(2);
}

const tmp = mkdtempSync(join(tmpdir(), "courseware-sw-"));
const bundled = join(tmp, "sw.js");
try {
  await build({
    entryPoints: [new URL("src/sw.js", import.meta.url).pathname],
    bundle: true,
    minify: true,
    format: "iife",
    target: ["es2020"],
    outfile: bundled,
    // Workbox's development logging (and its links to the documentation) is left out of the production build.
    define: { "process.env.NODE_ENV": '"production"' },
    legalComments: "none",
    logLevel: "warning",
  });
  const { count, size, warnings } = await injectManifest({
    swSrc: bundled,
    swDest: join(site, "sw.js"),
    globDirectory: site,
    globPatterns: ["**/*"],
    // The service worker itself and the precompressed copies (the browser gets those as Content-Encoding).
    globIgnores: ["sw.js", "**/*.gz"],
    // pyodide.asm.wasm is ~10 MB; everything the course needs must be in the list.
    maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
  });
  console.log(JSON.stringify({ count, size, warnings }));
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
