// 教师批改: a pool of grading workers (web/src/grading/worker.js), split by student.
// Up to navigator.hardwareConcurrency − 1 workers (at least 1), each loading Pyodide and the course bundle once
// and then the class's files (grader.webgrade.load). Each worker takes one student's files at a time. A file
// whose grading exceeds the limit (grader.webgrade.LIMITS, the one definition: the first worker's init reply)
// gets its worker terminated and replaced; the file is recorded with the 无法评分 line for the seconds that were
// enforced (grader.webgrade.over_limit(index, seconds)), so the line states the limit actually applied.

let nextId = 1;

/** One grading worker: request/reply by id, terminate on demand. */
class GradingWorker {
  constructor(url, init) {
    this.pending = new Map();
    this.dead = false;
    this.worker = new Worker(url);
    this.worker.onmessage = (event) => {
      const msg = event.data;
      const entry = this.pending.get(msg.id);
      if (!entry) return;
      this.pending.delete(msg.id);
      if (msg.type === "result") entry.resolve(msg.value);
      else entry.reject(new Error(msg.message));
    };
    this.worker.onerror = (event) => {
      event.preventDefault();
      this.fail(new Error(`批改环境脚本出错：${event.message || "未知错误"}。请刷新页面。`));
    };
    this.ready = this.send("init", init);
    this.ready.catch(() => {});
  }

  send(type, payload = {}, transfer = []) {
    if (this.dead) return Promise.reject(new Error("批改环境已关闭。"));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, type, ...payload }, transfer);
    });
  }

  /** ``send`` with a deadline: past it the worker is terminated and the promise rejects with ``timedOut``
   * and ``seconds`` (the limit that was enforced). */
  within(seconds, type, payload) {
    let timer = null;
    const limit = new Promise((_, reject) => {
      timer = setTimeout(() => {
        const err = new Error("timeout");
        err.timedOut = true;
        err.seconds = seconds;
        this.terminate(err);
        reject(err);
      }, seconds * 1000);
    });
    return Promise.race([this.send(type, payload), limit]).finally(() => clearTimeout(timer));
  }

  fail(err) {
    for (const entry of this.pending.values()) entry.reject(err);
    this.pending.clear();
  }

  terminate(err) {
    if (this.dead) return;
    this.dead = true;
    this.worker.terminate();
    this.fail(err || new Error("批改已取消。"));
  }
}

/** A worker started ahead of need (while the teacher picks files) and handed over once. */
export class Standby {
  constructor(url, init) {
    Object.assign(this, { url, init, worker: null });
  }

  start() {
    if (this.worker) return;
    const worker = new GradingWorker(this.url, this.init);
    worker.ready.then(() => (worker.started = true), () => this.worker === worker && (this.worker = null));
    this.worker = worker;
  }

  /** Whether a started worker has loaded Python and the course (tests and benches wait for it). */
  get ready() {
    return Boolean(this.worker && this.worker.started && !this.worker.dead);
  }

  /** The started worker if it is alive (else null); after this the caller owns it. */
  take() {
    const worker = this.worker && !this.worker.dead ? this.worker : null;
    this.worker = null;
    return worker;
  }

  stop() {
    if (this.worker) this.worker.terminate();
    this.worker = null;
  }
}

export function poolSize(groups) {
  const cores = Number(navigator.hardwareConcurrency) || 2;
  return Math.max(1, Math.min(cores - 1, groups));
}

/**
 * Grade ``items`` (webgrade.load's list) in groups; ``done`` (Map index → entry) are skipped.
 * Callbacks: onResult(index, entry, fresh), onWorker(count). Returns when every index has an entry.
 */
export class GradingPool {
  constructor({ workerURL, init, files, roster, limits, onResult, onWorkers }) {
    this.workerURL = workerURL;
    this.init = init;
    this.files = files;
    this.roster = roster;
    this.names = {}; // 学号 → 姓名 of the roster (set with the roster before the first spawn)
    this.limits = limits || null; // grader.webgrade.LIMITS (set from the first worker's init before grading)
    this.onResult = onResult;
    this.onWorkers = onWorkers || (() => {});
    this.workers = new Set();
    this.cancelled = false;
    this.created = 0;
  }

  /** A new worker (or ``adopt``, one already started), counted and ready (Pyodide + bundle), not yet holding
   * the class's files. */
  async create(adopt = null) {
    if (this.cancelled) throw new Error("批改已取消。");
    const worker = adopt && !adopt.dead ? adopt : new GradingWorker(this.workerURL, this.init);
    this.created += 1;
    this.workers.add(worker);
    this.onWorkers(this.workers.size);
    worker.info = await worker.ready;
    return worker;
  }

  /** A worker with the class's files loaded (every worker numbers the files the same way). */
  async spawn(worker = null) {
    const ready = worker || (await this.create());
    // Structured clone copies the buffers: every worker keeps the whole class.
    ready.loaded = await ready.send("load", { files: this.files, roster: this.roster, names: this.names });
    return ready;
  }

  drop(worker) {
    this.workers.delete(worker);
    this.onWorkers(this.workers.size);
  }

  async runGroup(worker, group) {
    for (let i = 0; i < group.length; i += 1) {
      const index = group[i];
      if (this.cancelled) throw new Error("批改已取消。");
      let entry;
      try {
        await worker.within(this.limits.prepare_timeout, "prepare", { index });
        entry = await worker.within(this.limits.file_timeout, "grade", { index });
      } catch (err) {
        if (!err.timedOut || this.cancelled) throw err;
        this.drop(worker);
        worker = await this.spawn(); // a fresh worker for the rest of the class
        entry = await worker.send("over_limit", { index, seconds: err.seconds });
      }
      this.onResult(index, entry, true);
    }
    return worker;
  }

  /** Grade the remaining groups with up to ``size`` workers; resolves with one live worker (for merge). */
  async run(groups, size, first = null) {
    const queue = groups.filter((g) => g.length);
    let last = first;
    const lane = async (worker) => {
      let current = worker;
      while (queue.length) {
        const group = queue.shift();
        current = await this.runGroup(current || (await this.spawn()), group);
      }
      last = current || last;
    };
    const lanes = [lane(first)];
    for (let i = 1; i < Math.min(size, queue.length); i += 1) lanes.push(lane(null));
    await Promise.all(lanes);
    return last || first || (await this.spawn());
  }

  cancel() {
    this.cancelled = true;
    for (const worker of this.workers) worker.terminate(new Error("批改已取消。"));
    this.workers.clear();
  }

  /** Terminate every worker except ``keep``. */
  shrink(keep) {
    for (const worker of [...this.workers]) {
      if (worker !== keep) {
        worker.terminate();
        this.workers.delete(worker);
      }
    }
    this.onWorkers(this.workers.size);
  }
}

export { GradingWorker };
