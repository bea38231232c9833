// Page side of the Pyodide worker: one worker per page, requests answered by id, stop and restart.

export const STEPS = [
  ["runtime", "启动 Python 运行环境"],
  ["packages", "加载 pandas 等程序包"],
  ["datasets", "准备数据文件"],
];

const INTERRUPT_GRACE_MS = 1500;
const SIGINT = 2;

export class Runtime {
  /**
   * @param {{siteRoot: URL, workerURL: URL, manifest: object, tables?: Set<string>, getStudent: () => string|null}} options
   */
  constructor(options) {
    this.options = options;
    this.listeners = new Set();
    this.pending = new Map();
    this.nextId = 1;
    this.worker = null;
    this.state = { phase: "loading", step: "runtime" };
    this.canInterrupt = typeof SharedArrayBuffer !== "undefined" && self.crossOriginIsolated === true;
    this.interruptBuffer = this.canInterrupt ? new Int32Array(new SharedArrayBuffer(4)) : null;
    this.busy = 0;
    this.ready = this.start();
  }

  onState(fn) {
    this.listeners.add(fn);
    fn(this.state);
    return () => this.listeners.delete(fn);
  }

  setState(state) {
    this.state = state;
    for (const fn of this.listeners) fn(state);
  }

  start() {
    const { siteRoot, workerURL, manifest } = this.options;
    this.worker = new Worker(workerURL);
    this.worker.onmessage = (event) => this.receive(event.data);
    this.worker.onerror = (event) => {
      event.preventDefault();
      this.fail(`运行环境脚本出错：${event.message || "未知错误"}。请刷新页面。`);
    };
    this.setState({ phase: "loading", step: "runtime" });
    const bundleURL = new URL(`assets/courseware/py/${manifest.bundle}?v=${manifest.hash}`, siteRoot);
    const init = this.send(
      "init",
      {
        indexURL: new URL("pyodide/", siteRoot).href,
        bundleURL: bundleURL.href,
        dataURL: new URL("data/", siteRoot).href,
        tables: (manifest.tables || []).filter((name) => !this.options.tables || this.options.tables.has(name)),
        solutions: manifest.solutions !== false,
        student: this.options.getStudent(),
        interruptBuffer: this.interruptBuffer,
      },
      (progress) => this.setState({ phase: "loading", step: progress.step }),
    );
    return init.then(
      (value) => {
        this.setState({ phase: "ready" });
        return value;
      },
      (err) => {
        this.setState({ phase: "error", message: err.message });
        throw err;
      },
    );
  }

  send(type, payload = {}, onProgress = null) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress, type });
      this.worker.postMessage({ id, type, ...payload });
    });
  }

  receive(msg) {
    const entry = this.pending.get(msg.id);
    if (!entry) return;
    if (msg.type === "progress") {
      if (entry.onProgress) entry.onProgress(msg);
      return;
    }
    this.pending.delete(msg.id);
    if (msg.type === "result") {
      entry.resolve(msg.value);
    } else {
      const err = new Error(msg.message);
      err.fatal = Boolean(msg.fatal);
      entry.reject(err);
      if (msg.fatal && entry.type !== "init") this.restart(msg.message);
    }
  }

  fail(message) {
    for (const entry of this.pending.values()) entry.reject(new Error(message));
    this.pending.clear();
    this.setState({ phase: "error", message });
  }

  /** Run a request that executes student code; while it runs 停止 may interrupt it. */
  async exec(type, payload) {
    await this.ready;
    if (this.interruptBuffer) this.interruptBuffer[0] = 0;
    this.busy += 1;
    try {
      return await this.send(type, payload);
    } finally {
      this.busy -= 1;
    }
  }

  /** Stop running code: interrupt buffer when the page is cross-origin isolated, else a new worker. */
  stop() {
    if (this.busy === 0) return Promise.resolve("idle");
    if (this.interruptBuffer) {
      this.interruptBuffer[0] = SIGINT;
      return new Promise((resolve) => {
        const started = Date.now();
        const poll = () => {
          if (this.busy === 0) resolve("interrupted");
          else if (Date.now() - started > INTERRUPT_GRACE_MS) this.restart("代码已被停止，运行环境重新启动。").then(() => resolve("restarted"), () => resolve("restarted"));
          else setTimeout(poll, 50);
        };
        poll();
      });
    }
    return this.restart("代码已被停止，运行环境重新启动。").then(() => "restarted", () => "restarted");
  }

  restart(reason) {
    this.worker.terminate();
    const err = new Error(reason);
    err.stopped = true;
    for (const entry of this.pending.values()) entry.reject(err);
    this.pending.clear();
    this.busy = 0;
    this.ready = this.start();
    this.ready.catch(() => {});
    return this.ready;
  }

  setStudent(student) {
    return this.ready.then(() => this.send("setStudent", { student }));
  }
}
