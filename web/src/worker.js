// The Pyodide Web Worker: starts once per page in named steps, then answers {id, type, ...} messages by id.
// Student code runs here so an endless loop never freezes the page.
import RUNTIME_PY from "./runtime.py";

const HOME = "/home/pyodide";
const BUNDLE_DIR = `${HOME}/.courseware`;
const DEFAULT_DATA_DIR = `${HOME}/.default-data`;
const PACKAGES = ["pandas", "openpyxl", "ruamel.yaml"];

let pyodide = null;
let rt = null; // the runtime.py module namespace (a PyProxy kept for the worker's lifetime)
let queue = Promise.resolve();
let pageTables = []; // tables this page's exercises read (spec `datasets`)
let solutionsShipped = true; // false in exam builds (manifest.solutions)

function post(msg, transfer) {
  self.postMessage(msg, transfer || []);
}

function step(id, name) {
  post({ id, type: "progress", step: name });
}

async function fetchOk(url, what) {
  let resp;
  try {
    resp = await fetch(url);
  } catch (err) {
    throw new Error(`无法下载${what}（${url}）：${err.message}。请检查网络或重新构建网站。`);
  }
  if (!resp.ok) throw new Error(`无法下载${what}（${url}，HTTP ${resp.status}）。请重新构建网站（make build）。`);
  return resp;
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

const HANDLERS = {
  async init(msg) {
    const { indexURL, manifestURL, dataURL, student, interruptBuffer } = msg;
    step(msg.id, "runtime");
    // Downloads that do not need Python start at once and overlap with the runtime start-up.
    const manifestP = fetchOk(manifestURL, "练习清单").then((r) => r.json());
    const bundleP = manifestP
      .then((m) => fetchOk(new URL(`${m.bundle}?v=${m.hash}`, manifestURL).href, "练习程序包"))
      .then((r) => r.arrayBuffer());
    // Only the tables this page's exercises read (spec `datasets`) that the site ships.
    const tablesP = manifestP.then((m) => (m.tables || []).filter((name) => !msg.tables || msg.tables.includes(name)));
    // The default dataset is one compressed archive (site/data/<data_archive>), fetched once and cached.
    const dataP = manifestP.then((m) =>
      m.tables && m.tables.length
        ? fetchOk(`${dataURL}${m.data_archive}`, `数据文件 ${m.data_archive}`).then((r) => r.arrayBuffer())
        : null,
    );
    for (const p of [manifestP, bundleP, tablesP, dataP]) p.catch(() => {});
    self.importScripts(`${indexURL}pyodide.js`);
    pyodide = await self.loadPyodide({ indexURL, fullStdLib: false });
    if (interruptBuffer) pyodide.setInterruptBuffer(interruptBuffer);

    step(msg.id, "packages");
    await pyodide.loadPackage(PACKAGES, { messageCallback: () => {}, errorCallback: (m) => console.warn(m) });
    pyodide.unpackArchive(await bundleP, "zip", { extractDir: BUNDLE_DIR });
    pyodide.FS.writeFile(`${BUNDLE_DIR}/courseware_runtime.py`, RUNTIME_PY);
    pyodide.runPython(`import sys\nsys.path.insert(0, ${JSON.stringify(BUNDLE_DIR)})`);
    rt = pyodide.pyimport("courseware_runtime");
    solutionsShipped = (await manifestP).solutions !== false;
    callJSON("setup", BUNDLE_DIR, solutionsShipped);

    step(msg.id, "datasets");
    pyodide.FS.mkdirTree(DEFAULT_DATA_DIR);
    const archive = await dataP;
    if (archive) pyodide.unpackArchive(archive, "zip", { extractDir: DEFAULT_DATA_DIR });
    pageTables = await tablesP;
    const data = callJSON("use_data", student || null, pyodide.toPy(pageTables));
    return { step: "ready", data };
  },

  async run(msg) {
    return callJSON("run", msg.exercise, msg.code);
  },

  async check(msg) {
    return callJSON("check", msg.exercise, msg.code);
  },

  async download(msg) {
    return callJSON("submission", msg.exercise, msg.code);
  },

  async solution(msg) {
    if (!/^[a-z0-9][a-z0-9_-]*$/.test(msg.exercise)) throw new Error(`练习编号不合法：${msg.exercise}`);
    const path = `${BUNDLE_DIR}/exercises/${msg.exercise}/solution.py`;
    if (!solutionsShipped || !pyodide.FS.analyzePath(path).exists) throw new Error("本网站没有附带参考答案（考试版）。");
    return { code: pyodide.FS.readFile(path, { encoding: "utf8" }) };
  },

  async setStudent(msg) {
    return callJSON("use_data", msg.student || null, pyodide.toPy(pageTables));
  },
};

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

function warm() {
  try {
    callJSON("warm");
  } catch (err) {
    console.error(err); // 检查 reports a broken grader itself
  }
}

self.onmessage = (event) => {
  const msg = event.data;
  const handler = HANDLERS[msg.type];
  // One message at a time: Python is single-threaded and the order of runs matters.
  queue = queue.then(async () => {
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
      // The grader loads after ready, off the start-up path; a run sent meanwhile waits in the queue.
      if (msg.type === "init") queue = queue.then(() => warm());
    } catch (err) {
      const { message, fatal } = describe(err);
      post({ id: msg.id, type: "error", message, fatal: fatal || msg.type === "init" });
    }
  });
};
