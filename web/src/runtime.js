// Page side of the Pyodide worker: one worker per page, requests answered by id, stop and restart.
//
// 停止 has two paths. When the page is cross-origin isolated (the course server sends COOP/COEP),
// SharedArrayBuffer works and Pyodide's interrupt buffer raises KeyboardInterrupt in the running code.
// On a plain static host there is no SharedArrayBuffer: the busy worker is terminated and replaced.
// So that replacement is quick, a spare worker is started (once the first one is ready, so they do not
// compete for the CPU) and kept warm; 停止 swaps it in and starts a new spare.

export const STEPS = [
  ["runtime", "启动 Python 运行环境"],
  ["packages", "加载 pandas 等程序包"],
  ["datasets", "准备数据文件"],
];

const INTERRUPT_GRACE_MS = 1500;
const SIGINT = 2;
const STOPPED = "代码已被停止，运行环境已重新启动。";

/** One Web Worker running Pyodide, with its own request table. */
class WorkerHandle {
  constructor(workerURL, initPayload, onProgress) {
    this.pending = new Map();
    this.nextId = 1;
    this.dead = false;
    this.worker = new Worker(workerURL);
    this.worker.onmessage = (event) => this.receive(event.data);
    this.worker.onerror = (event) => {
      event.preventDefault();
      this.rejectAll(new Error(`运行环境脚本出错：${event.message || "未知错误"}。请刷新页面。`));
    };
    this.ready = this.send("init", initPayload, onProgress);
    this.ready.catch(() => {});
  }

  send(type, payload = {}, onProgress = null) {
    if (this.dead) return Promise.reject(new Error("运行环境已关闭。"));
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
      err.fatal = Boolean(msg.fatal) && entry.type !== "init";
      entry.reject(err);
    }
  }

  rejectAll(err) {
    for (const entry of this.pending.values()) entry.reject(err);
    this.pending.clear();
  }

  terminate(err) {
    this.dead = true;
    this.worker.terminate();
    this.rejectAll(err || new Error("运行环境已关闭。"));
  }
}

export class Runtime {
  /**
   * @param {{siteRoot: URL, workerURL: URL, manifestURL: URL, tables?: Set<string>, getStudent: () => string|null}} options
   */
  constructor(options) {
    this.options = options;
    this.listeners = new Set();
    this.state = { phase: "loading", step: "runtime" };
    this.canInterrupt = typeof SharedArrayBuffer !== "undefined" && self.crossOriginIsolated === true;
    this.interruptBuffer = this.canInterrupt ? new Int32Array(new SharedArrayBuffer(4)) : null;
    this.busy = 0;
    this.spare = null;
    this.current = null;
    this.ready = this.start();
    this.ready.catch(() => {});
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

  initPayload() {
    const { siteRoot, manifestURL, tables } = this.options;
    return {
      indexURL: new URL("pyodide/", siteRoot).href,
      manifestURL: manifestURL.href, // the worker reads it itself: no round trip before it starts
      dataURL: new URL("data/", siteRoot).href,
      tables: tables ? [...tables] : null,
      student: this.options.getStudent(),
      interruptBuffer: this.interruptBuffer,
    };
  }

  /** Make ``handle`` the current worker; the UI follows its start-up steps. */
  adopt(handle) {
    this.current = handle;
    this.setState({ phase: "loading", step: handle.lastStep || "runtime" });
    const ready = handle.ready.then(
      (value) => {
        if (this.current === handle) this.setState({ phase: "ready" });
        this.warmSpare();
        return value;
      },
      (err) => {
        if (this.current === handle) this.setState({ phase: "error", message: err.message });
        throw err;
      },
    );
    ready.catch(() => {});
    return ready;
  }

  spawn() {
    const handle = new WorkerHandle(this.options.workerURL, this.initPayload(), (progress) => {
      handle.lastStep = progress.step;
      if (this.current === handle) this.setState({ phase: "loading", step: progress.step });
    });
    return handle;
  }

  start() {
    return this.adopt(this.spawn());
  }

  /** Plain hosts only: keep a second, idle worker ready to replace a stopped one. */
  warmSpare() {
    if (this.canInterrupt || this.spare) return;
    this.spare = this.spawn();
    this.spare.ready.catch(() => {
      this.spare = null;
    });
  }

  /** Resolves when a spare worker is ready (plain hosts); immediately when none is needed. */
  get spareReady() {
    return this.spare ? this.spare.ready.then(() => true) : Promise.resolve(false);
  }

  send(type, payload = {}) {
    return this.ready.then(() => this.current.send(type, payload));
  }

  /** Run a request that executes student code; while it runs 停止 may interrupt it. */
  async exec(type, payload) {
    await this.ready;
    if (this.interruptBuffer) this.interruptBuffer[0] = 0;
    this.busy += 1;
    const handle = this.current;
    try {
      return await handle.send(type, payload);
    } catch (err) {
      if (err.fatal && this.current === handle) this.restart(err.message);
      throw err;
    } finally {
      this.busy -= 1;
    }
  }

  /** Stop running code: interrupt buffer when the page is cross-origin isolated, else a new worker. */
  stop() {
    if (this.busy === 0) return Promise.resolve("idle");
    if (!this.interruptBuffer) return this.restart(STOPPED).then(() => "restarted", () => "restarted");
    this.interruptBuffer[0] = SIGINT;
    return new Promise((resolve) => {
      const started = Date.now();
      const poll = () => {
        if (this.busy === 0) resolve("interrupted");
        else if (Date.now() - started > INTERRUPT_GRACE_MS) {
          // Stuck in C code that never checks the buffer: fall back to a new worker.
          this.restart(STOPPED).then(() => resolve("restarted"), () => resolve("restarted"));
        } else setTimeout(poll, 50);
      };
      poll();
    });
  }

  restart(reason) {
    const err = new Error(reason);
    err.stopped = true;
    const old = this.current;
    const next = this.spare && !this.spare.dead ? this.spare : this.spawn();
    this.spare = null;
    this.busy = 0;
    this.ready = this.adopt(next);
    old.terminate(err);
    return this.ready;
  }

  setStudent(student) {
    const tasks = [this.send("setStudent", { student })];
    if (this.spare) tasks.push(this.spare.ready.then(() => this.spare && this.spare.send("setStudent", { student })));
    return Promise.all(tasks).then(([value]) => value);
  }
}
