// A grading Web Worker (教师批改): Pyodide + pandas + openpyxl + ruamel.yaml + the course's Python bundle,
// loaded once; then it answers {id, type, ...} with {id, type: "result", value} or {id, type: "error", message}.
// Separate from the students' exercise worker (web/src/worker.js): several of these run at once, one per
// group of students, and the page terminates and replaces one that is stuck on a file (the time limit).
// All grading is grader.webgrade (Python); this file only moves bytes and JSON.
import { enablePycache, pycacheKey, pycacheStart } from "../pycache.js";
import { fetchOk } from "../fetch-ok.js";

const BUNDLE_DIR = "/home/pyodide/.courseware";
const PACKAGES = ["pandas", "openpyxl", "ruamel.yaml"];
const STAGING = "/tmp/webgrade-upload";

let pyodide = null;
let call = null; // grader.webgrade.call (JSON in/out)
let webgrade = null;

function py(name, ...args) {
  const reply = JSON.parse(call(name, JSON.stringify(args)));
  if ("error" in reply) throw new Error(reply.error);
  return reply.ok;
}

/** Call a webgrade function with values converted to Python; the reply is converted to JS. */
function direct(name, ...args) {
  const fn = webgrade[name];
  const converted = args.map((a) => pyodide.toPy(a));
  try {
    const value = fn(...converted);
    if (value && typeof value.toJs === "function") {
      const js = value.toJs({ dict_converter: Object.fromEntries });
      value.destroy();
      return js;
    }
    return value;
  } finally {
    fn.destroy();
    for (const c of converted) if (c && typeof c.destroy === "function") c.destroy();
  }
}

const HANDLERS = {
  async init(msg) {
    const { indexURL, manifestURL } = msg;
    const manifestP = fetchOk(manifestURL, "练习清单").then((r) => r.json());
    const bundleP = manifestP
      .then((m) => fetchOk(new URL(`${m.bundle}?v=${m.hash}`, manifestURL).href, "练习程序包"))
      .then((r) => r.arrayBuffer());
    const lockP = fetchOk(`${indexURL}pyodide-lock.json`, "程序包清单").then((r) => r.text());
    for (const p of [manifestP, bundleP, lockP]) p.catch(() => {});
    const t0 = performance.now();
    const timings = {};
    const mark = (name) => {
      timings[name] = Math.round(performance.now() - t0) / 1000;
    };
    // The exercise worker's bytecode cache (same key), restored before Python starts; read only.
    const keyP = Promise.all([manifestP, lockP]).then(([m, lock]) => pycacheKey(lock, m.hash));
    let restored = 0;
    self.importScripts(`${indexURL}pyodide.js`);
    pyodide = await self.loadPyodide({
      indexURL,
      fullStdLib: false,
      ...pycacheStart(keyP, (bytes) => (restored = bytes)),
    });
    mark("pyodide");
    const manifest = await manifestP;
    if (restored) enablePycache(pyodide);
    mark("pycache");
    timings.pyc_restored = restored; // bytes
    await pyodide.loadPackage(PACKAGES, { messageCallback: () => {}, errorCallback: (m) => console.warn(m) });
    mark("packages");
    pyodide.unpackArchive(await bundleP, "zip", { extractDir: BUNDLE_DIR });
    pyodide.runPython(`import sys\nsys.path.insert(0, ${JSON.stringify(BUNDLE_DIR)})`);
    webgrade = pyodide.pyimport("grader.webgrade");
    call = webgrade.call;
    const hashes = Object.fromEntries((manifest.exercises || []).map((e) => [e.id, e.hash]));
    const info = py("init", `${BUNDLE_DIR}/exercises`, hashes);
    mark("import");
    if (info.error) throw new Error(info.error);
    return { ...info, solutions: manifest.solutions !== false, timings };
  },

  /** files: [{path, data: ArrayBuffer, mtime (ms)}]; roster: [学号]; names: {学号: 姓名} → {items, roster}. */
  async load(msg) {
    // Bytes go straight into the file system (no conversion of big buffers into Python objects).
    pyodide.FS.mkdirTree(STAGING);
    const files = msg.files.map((f, i) => {
      const staged = `${STAGING}/${i}`;
      pyodide.FS.writeFile(staged, new Uint8Array(f.data));
      return [f.path, staged, f.mtime / 1000];
    });
    const started = performance.now();
    const value = direct("load", files, msg.roster || [], msg.names || {});
    return { ...value, seconds: (performance.now() - started) / 1000 };
  },

  /** A roster from a file (bytes) or pasted text. */
  async roster(msg) {
    if (!msg.data) return direct("roster", msg.text || "");
    pyodide.FS.writeFile("/tmp/webgrade-roster", new Uint8Array(msg.data));
    return JSON.parse(call("roster_file", JSON.stringify(["/tmp/webgrade-roster"]))).ok;
  },

  async plan() {
    return py("plan");
  },
  async prepare(msg) {
    return py("prepare", msg.index);
  },
  async grade(msg) {
    return py("grade", msg.index);
  },
  async over_limit(msg) {
    return py("over_limit", msg.index, msg.seconds); // the limit the page enforced (seconds)
  },
  async merge(msg) {
    return py("merge", msg.entries, msg.duplicates, msg.createdAt || "");
  },

  /** One download: {bytes} (transferred). */
  async output(msg) {
    const fn = webgrade.output;
    try {
      const proxy = fn(msg.fmt);
      const bytes = proxy.toJs();
      proxy.destroy();
      return { bytes };
    } finally {
      fn.destroy();
    }
  },
};

let queue = Promise.resolve();
self.onmessage = (event) => {
  const msg = event.data;
  queue = queue.then(async () => {
    const handler = HANDLERS[msg.type];
    try {
      if (!handler) throw new Error(`未知的消息类型：${msg.type}`);
      if (msg.type !== "init" && !webgrade) throw new Error("批改环境尚未就绪。");
      const value = await handler(msg);
      const transfer = value && value.bytes ? [value.bytes.buffer] : [];
      self.postMessage({ id: msg.id, type: "result", value }, transfer);
    } catch (err) {
      let text = err && err.message ? err.message : String(err);
      if (err && err.name === "PythonError") {
        console.error(text);
        text = `批改程序出错（${text.trim().split("\n").pop()}）；请刷新页面重试。`;
      }
      self.postMessage({ id: msg.id, type: "error", message: text });
    }
  });
};
