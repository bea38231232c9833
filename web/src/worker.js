// The Pyodide Web Worker: one per tab (instant navigation keeps it across pages). Starts in named steps,
// then answers {id, type, ...} messages by id, one at a time. Student code runs here so an endless loop
// never freezes the page. Every start-up phase is timed (`timings`, seconds) for bench/bench_browser.py.
import { enablePycache, pycacheKey, pycacheStart, savePycache } from "./pycache.js";
import { PY_FILES } from "./pyfiles.js";
import RUNTIME_PY from "./runtime.py";
import { fetchOk } from "./fetch-ok.js";

const HOME = "/home/pyodide";
const BUNDLE_DIR = `${HOME}/.courseware`;
const DATA_ARCHIVE_PATH = `${HOME}/.default-data.zip`;
const PACKAGES = ["pandas"]; // enough for 运行; the grader's extra packages load after ready (warm)
const GRADER_PACKAGES = ["openpyxl", "ruamel.yaml"];

let pyodide = null;
let rt = null; // the runtime.py module namespace (a PyProxy kept for the worker's lifetime)
let solutionsShipped = true; // false in exam builds (manifest.solutions)
let interruptBuffer = null;
let cancelBuffer = null; // the page wrote the highest request id it gave up on (停止 before the run started)
let graderPackages = null;
let pycKey = null; // bytecode cache key (pycache.js); null when the cache is not used
let pycRestored = 0;
let allTables = []; // every table the site ships (manifest.tables)
const timings = {};
const t0 = performance.now();

function post(msg, transfer) {
  self.postMessage(msg, transfer || []);
}

function step(id, name) {
  post({ id, type: "progress", step: name });
}

/** Time ``fn`` (sync or async) into timings[name], seconds. */
async function timed(name, fn) {
  const start = performance.now();
  try {
    return await fn();
  } finally {
    timings[name] = (timings[name] || 0) + (performance.now() - start) / 1000;
  }
}

function callJSON(fnName, ...args) {
  const fn = rt[fnName];
  try {
    return JSON.parse(fn(...args));
  } finally {
    fn.destroy();
    for (const arg of args) if (arg && typeof arg.destroy === "function") arg.destroy(); // toPy() proxies
  }
}

/** Seconds since the worker started for each resource the browser fetched (download durations). */
function resourceTimings() {
  const out = {};
  for (const entry of performance.getEntriesByType("resource")) {
    const name = entry.name.split("?")[0].split("/").pop();
    if (/\.(wasm|zip|whl)$/.test(name)) out[name] = (entry.responseEnd - entry.startTime) / 1000;
  }
  return out;
}

/**
 * time.sleep for cross-origin isolated pages: waits on the interrupt buffer itself, so 停止 wakes it at
 * once (Atomics.notify) instead of after the whole sleep. Returns true when 停止 was pressed.
 */
function interruptibleWait(seconds) {
  if (!interruptBuffer) return false;
  Atomics.wait(interruptBuffer, 0, 0, Math.max(0, seconds * 1000));
  if (Atomics.load(interruptBuffer, 0) !== 0) {
    Atomics.store(interruptBuffer, 0, 0);
    return true;
  }
  return false;
}

const HANDLERS = {
  async init(msg) {
    const { indexURL, manifestURL, dataURL, student } = msg;
    interruptBuffer = msg.interruptBuffer || null;
    cancelBuffer = msg.cancelBuffer || null;
    step(msg.id, "runtime");
    // Downloads that do not need Python start at once and overlap with the runtime start-up.
    const manifestP = fetchOk(manifestURL, "练习清单").then((r) => r.json());
    const bundleP = manifestP
      .then((m) => fetchOk(new URL(`${m.bundle}?v=${m.hash}`, manifestURL).href, "练习程序包"))
      .then((r) => r.arrayBuffer());
    // The default dataset is one compressed archive (site/data/<data_archive>); tables are unpacked on demand.
    const dataP = manifestP.then((m) =>
      m.tables && m.tables.length
        ? fetchOk(`${dataURL}${m.data_archive}`, `数据文件 ${m.data_archive}`).then((r) => r.arrayBuffer())
        : null,
    );
    const lockP = fetchOk(`${indexURL}pyodide-lock.json`, "程序包清单").then((r) => r.text());
    for (const p of [manifestP, bundleP, dataP, lockP]) p.catch(() => {});
    // The bytecode cache (pycache.js) is read from IndexedDB while the wasm compiles, and written into the file
    // system before Python starts: the standard library's bytecode must be there for Pyodide's own start-up.
    const usePycache = msg.pycache !== false;
    const keyP = Promise.all([manifestP, lockP]).then(([manifest0, lock]) => pycacheKey(lock, manifest0.hash));
    const restored = (bytes, seconds) => {
      pycRestored = bytes;
      timings.pyc_restore = seconds;
    };
    await timed("script", () => self.importScripts(`${indexURL}pyodide.js`));
    pyodide = await timed("pyodide", () =>
      self.loadPyodide({ indexURL, fullStdLib: false, ...(usePycache ? pycacheStart(keyP, restored) : {}) }),
    );
    pycKey = usePycache ? await keyP : null; // the downloads behind the key are awaited below anyway
    if (interruptBuffer) pyodide.setInterruptBuffer(interruptBuffer);
    self.courseware_wait = interruptibleWait; // used by runtime.py's time.sleep (isolated pages only)
    if (pycKey) enablePycache(pyodide);

    step(msg.id, "packages");
    await timed("packages", () =>
      pyodide.loadPackage(PACKAGES, { messageCallback: () => {}, errorCallback: (m) => console.warn(m) }),
    );
    const bundle = await bundleP;
    await timed("bundle", () => {
      pyodide.unpackArchive(bundle, "zip", { extractDir: BUNDLE_DIR });
      for (const [name, text] of Object.entries(PY_FILES)) pyodide.FS.writeFile(`${BUNDLE_DIR}/${name}`, text);
      pyodide.FS.writeFile(`${BUNDLE_DIR}/courseware_runtime.py`, RUNTIME_PY);
      pyodide.runPython(`import sys\nsys.path.insert(0, ${JSON.stringify(BUNDLE_DIR)})`);
    });
    rt = await timed("import_pandas", () => pyodide.pyimport("courseware_runtime")); // imports pandas
    const manifest = await manifestP;
    solutionsShipped = manifest.solutions !== false;
    allTables = manifest.tables || [];
    callJSON("setup", BUNDLE_DIR, solutionsShipped, Boolean(interruptBuffer));

    step(msg.id, "datasets");
    const archive = await dataP;
    const data = await timed("data", () => {
      if (archive) pyodide.FS.writeFile(DATA_ARCHIVE_PATH, new Uint8Array(archive));
      return callJSON("use_data", student || null, msg.tables ? pyodide.toPy(msg.tables) : null, DATA_ARCHIVE_PATH);
    });
    timings.ready = (performance.now() - t0) / 1000;
    return { step: "ready", data, timings: { ...timings }, resources: resourceTimings() };
  },

  async run(msg) {
    return studentCode(msg, () => callJSON("run", msg.exercise, msg.code));
  },

  async check(msg) {
    await loadGraderPackages();
    return studentCode(msg, () => callJSON("check", msg.exercise, msg.code));
  },

  async download(msg) {
    await loadGraderPackages();
    return studentCode(msg, () => callJSON("submission", msg.exercise, msg.code));
  },

  async solution(msg) {
    if (!/^[a-z0-9][a-z0-9_-]*$/.test(msg.exercise)) throw new Error(`练习编号不合法：${msg.exercise}`);
    const path = `${BUNDLE_DIR}/exercises/${msg.exercise}/solution.py`;
    if (!solutionsShipped || !pyodide.FS.analyzePath(path).exists) throw new Error("本网站没有附带参考答案（考试版）。");
    return { code: pyodide.FS.readFile(path, { encoding: "utf8" }) };
  },

  /** Switch the 学号 (regenerates that student's variant once per tab) and keep the tables already in data/. */
  async setStudent(msg) {
    return callJSON("use_data", msg.student || null, msg.tables ? pyodide.toPy(msg.tables) : null, null);
  },

  /** A new page (instant navigation) needs these tables in data/ too; `all`: every table (idle time). */
  async tables(msg) {
    const names = msg.all ? allTables : msg.tables;
    const data = await timed(msg.all ? "all_tables" : "tables", () =>
      callJSON("add_tables", pyodide.toPy(names)),
    );
    return { ...data, tables: names };
  },

  /** Background work once idle: load the grader, then compute the reference answers of these exercises. */
  async prepare(msg) {
    await loadGraderPackages();
    const value = await timed("prepare", () => callJSON("prepare", pyodide.toPy(msg.exercises || [])));
    return { ...value, timings: { ...timings } };
  },

  /** Idle time after the first start: keep the bytecode CPython wrote, for the next start (pycache.js). */
  async pycache() {
    if (!pycKey || pycRestored) return { saved: 0, restored: pycRestored };
    const saved = await timed("pyc_save", () => savePycache(pyodide, pycKey).catch(() => 0));
    pycRestored = saved || 0;
    return { saved, restored: 0, timings: { ...timings } };
  },

  async timings() {
    return { timings: { ...timings }, resources: resourceTimings() };
  },
};

/**
 * Run student code: tell the page it started (停止 interrupts only student code, never background work), and
 * clear an interrupt that arrived after Python finished, so it cannot hit the next request.
 */
function studentCode(msg, fn) {
  if (cancelBuffer && Atomics.load(cancelBuffer, 0) >= msg.id) throw new Error("已停止。");
  step(msg.id, "started");
  try {
    return fn();
  } finally {
    if (interruptBuffer) Atomics.store(interruptBuffer, 0, 0);
  }
}

function loadGraderPackages() {
  if (!graderPackages) {
    graderPackages = timed("grader_packages", () =>
      pyodide.loadPackage(GRADER_PACKAGES, { messageCallback: () => {}, errorCallback: (m) => console.warn(m) }),
    ).then(() => timed("grader_import", () => callJSON("warm")));
    graderPackages.catch(() => {
      graderPackages = null;
    });
  }
  return graderPackages;
}

// A fatal error leaves Pyodide unusable; the page then starts a fresh worker.
function describe(err) {
  let text = err && err.message ? err.message : String(err);
  if (err && err.name === "PythonError") {
    console.error(text); // the full traceback is for developers; the page gets its last line
    text = text.trim().split("\n").pop();
  }
  if (err instanceof RangeError || /out of memory|memory access out of bounds/i.test(text)) {
    return { message: "内存不足，运行环境已停止，正在重新启动。请减少一次处理的数据量。", fatal: true };
  }
  const fatal = Boolean(pyodide && pyodide._api && pyodide._api.fatal_error_occurred) || /fatally failed/i.test(text);
  return { message: text, fatal };
}

// Background requests (the other tables, reference answers, bytecode cache, timings) yield to the student's
// own: a run sent while they wait starts as soon as the request in progress is done. After 停止 swapped in a
// spare, the student's next run does not wait for the new worker's grader and reference answers.
const waiting = { student: [], background: [] };
let pumping = false;

function isBackground(msg) {
  return ["prepare", "pycache", "timings"].includes(msg.type) || (msg.type === "tables" && msg.all);
}

async function handle(msg) {
  const handler = HANDLERS[msg.type];
  if (!handler) {
    post({ id: msg.id, type: "error", message: `未知的消息类型：${msg.type}` });
    return;
  }
  if (msg.type !== "init" && !rt) {
    post({ id: msg.id, type: "error", message: "运行环境尚未就绪。" });
    return;
  }
  try {
    const value = await handler(msg);
    post({ id: msg.id, type: "result", value });
  } catch (err) {
    const { message, fatal } = describe(err);
    post({ id: msg.id, type: "error", message, fatal: fatal || msg.type === "init" });
  }
}

// One message at a time: Python is single-threaded; the student's requests keep their order, and so do the
// background ones.
async function pump() {
  pumping = true;
  while (waiting.student.length || waiting.background.length) {
    await handle(waiting.student.shift() || waiting.background.shift());
  }
  pumping = false;
}

self.onmessage = (event) => {
  const msg = event.data;
  (isBackground(msg) ? waiting.background : waiting.student).push(msg);
  if (!pumping) pump();
};
