// One Web Worker running Pyodide (web/src/worker.js) seen from the page: its request table, its own interrupt
// buffer (cross-origin isolated pages) and its own cancel buffer, so nothing set for one worker reaches another.

const SIGINT = 2;

export function isolated() {
  return typeof SharedArrayBuffer !== "undefined" && self.crossOriginIsolated === true;
}

/** One Web Worker running Pyodide, with its own request table and its own interrupt buffer. */
export class WorkerHandle {
  constructor(workerURL, initPayload, onProgress) {
    this.pending = new Map();
    this.nextId = 1;
    this.dead = false;
    this.interruptBuffer = isolated() ? new Int32Array(new SharedArrayBuffer(4)) : null;
    // Highest request id the page gave up on (停止 while the run still waited in the worker's queue).
    this.cancelBuffer = isolated() ? new Int32Array(new SharedArrayBuffer(4)) : null;
    this.created = performance.now();
    this.worker = new Worker(workerURL);
    this.worker.onmessage = (event) => this.receive(event.data);
    this.worker.onerror = (event) => {
      event.preventDefault();
      this.rejectAll(new Error(`运行环境脚本出错：${event.message || "未知错误"}。请刷新页面。`));
    };
    this.ready = this.send("init", { ...initPayload, interruptBuffer: this.interruptBuffer, cancelBuffer: this.cancelBuffer }, onProgress);
    this.isReady = false;
    this.ready.then(() => (this.isReady = true), () => {});
  }

  send(type, payload = {}, onProgress = null) {
    if (this.dead) return Promise.reject(new Error("运行环境已关闭。"));
    const id = this.nextId++;
    this.lastId = id;
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

  interrupt() {
    if (!this.interruptBuffer) return;
    Atomics.store(this.interruptBuffer, 0, SIGINT);
    Atomics.notify(this.interruptBuffer, 0); // wakes time.sleep (runtime.py waits on this buffer)
  }

  /** Give up on a queued request: the page moves on now, the worker skips it when its turn comes. */
  cancel(id, err) {
    const entry = this.pending.get(id);
    if (this.cancelBuffer) Atomics.store(this.cancelBuffer, 0, Math.max(id, Atomics.load(this.cancelBuffer, 0)));
    if (!entry) return;
    this.pending.delete(id);
    entry.reject(err);
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
