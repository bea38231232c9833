// Page side of the Pyodide worker: ONE worker per tab, shared by every exercise on every page (instant
// navigation keeps this module alive), requests answered by id, stop and restart.
//
// 停止 has two paths. When the page is cross-origin isolated (COOP/COEP from the course server, or from the
// service worker on any static host), SharedArrayBuffer works: 停止 writes SIGINT into the worker's interrupt
// buffer and wakes a sleeping `time.sleep`, and Python raises KeyboardInterrupt in the running code. Each
// worker gets its OWN buffer, so a replacement never inherits an old interrupt. Without isolation there is
// no SharedArrayBuffer: the busy worker is terminated and a spare worker (started only on such pages, once
// the first worker is idle) takes over. On isolated pages one long C call (a big sort or merge) never sees the
// interrupt either: a run that lasts LONG_RUN_MS gets a spare loaded in the background, and 停止 swaps it in
// when the interrupt is not honoured within INTERRUPT_GRACE_MS.

import { isolated, WorkerHandle } from "./worker-handle.js";

export const STEPS = [
  ["runtime", "启动 Python 运行环境"],
  ["packages", "加载 pandas 等程序包"],
  ["datasets", "准备数据文件"],
];

const INTERRUPT_GRACE_MS = 600; // code stuck in C never sees the interrupt: replace the worker after this
const SPARE_DELAY_MS = 3000; // plain hosts: the spare starts once the first worker has been idle this long
// Isolated pages: a run still going after this long may be stuck in C, so a spare starts loading. The course's
// runs and checks take well under a second (a first 检查 on a loaded school PC up to ~3 s), so normal work never
// pays for a second Pyodide; a student who waits a few seconds more before pressing 停止 finds it ready.
const LONG_RUN_MS = 4000;
// After a long run ends normally a READY spare stays this long, idle (memory, no CPU), for the next long run;
// a spare still loading is dropped at once so it does not compete with the student's next run for the CPU.
const SPARE_KEEP_MS = 60_000;
// After 停止 swapped workers, the new one's background work (other tables, grader, reference answers) waits
// until no run has been queued for this long: the student's next 运行 does not queue behind it.
const QUIET_AFTER_STOP_MS = 2000;
const STOPPED = "代码已被停止，运行环境已重新启动。";
const STOPPED_QUEUED = "代码还没开始运行就被停止了。";

export class Runtime {
  /**
   * @param {{workerURL: URL, siteRoot: URL, manifestURL: URL, tables?: Iterable<string>, getStudent: () => string|null}} options
   */
  constructor(options) {
    this.options = options;
    this.listeners = new Set();
    this.state = { phase: "loading", step: "runtime" };
    this.canInterrupt = isolated();
    this.tables = new Set(options.tables || []);
    this.exercises = []; // the current page's exercises: their reference answers are prepared when idle
    this.busy = 0;
    this.running = false; // the worker has started the student's code (not just queued it)
    this.stopQueued = false;
    this.runStarted = 0;
    this.stopPressed = 0;
    this.spare = null;
    this.spareTimer = null;
    this.longRunMs = LONG_RUN_MS; // instance fields: tests shorten them
    this.spareKeepMs = SPARE_KEEP_MS;
    this.interruptGraceMs = INTERRUPT_GRACE_MS;
    this.longRunTimer = null;
    this.spareDropTimer = null;
    this.idleDone = null;
    this.current = null;
    this.workersCreated = 0;
    this.timings = {};
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
    const { siteRoot, manifestURL } = this.options;
    return {
      indexURL: new URL("pyodide/", siteRoot).href,
      manifestURL: manifestURL.href, // the worker reads it itself: no round trip before it starts
      dataURL: new URL("data/", siteRoot).href,
      tables: [...this.tables],
      student: this.options.getStudent(),
    };
  }

  /**
   * Make ``handle`` the current worker; the UI follows its start-up steps. ``afterStop``: a worker swapped in by
   * 停止, whose background work waits until the student's next runs are done (idleWhenQuiet).
   */
  adopt(handle, afterStop = false) {
    this.current = handle;
    this.setState({ phase: "loading", step: handle.lastStep || "runtime" });
    const ready = handle.ready.then(
      (value) => {
        if (value && value.timings) Object.assign(this.timings, value.timings, { resources: value.resources });
        if (this.current === handle) this.setState({ phase: "ready" });
        if (afterStop) this.idleWhenQuiet(handle);
        else this.idle();
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
    this.workersCreated += 1;
    const handle = new WorkerHandle(this.options.workerURL, this.initPayload(), (progress) => {
      handle.lastStep = progress.step;
      if (this.current === handle) this.setState({ phase: "loading", step: progress.step });
    });
    return handle;
  }

  start() {
    return this.adopt(this.spawn());
  }

  /**
   * Background work once the worker is idle, in this order: the remaining data tables (so the next page of
   * the tab finds its tables in place), the grader and the page's reference answers, then (plain hosts) a spare.
   */
  idle() {
    const handle = this.current;
    handle.send("tables", { all: true }).then(
      (value) => {
        for (const name of value.tables || []) this.tables.add(name);
      },
      () => {},
    );
    const exercises = [...this.exercises];
    this.preparing = handle.send("prepare", { exercises }).then(
      (value) => {
        if (value && value.timings) Object.assign(this.timings, value.timings);
        return value;
      },
      () => null,
    );
    // Resolves when the whole chain is done (benchmarks and tests wait for it before timing a 检查).
    this.idleDone = this.preparing
      .then(() => handle.send("pycache"))
      .then((value) => value && value.timings && Object.assign(this.timings, value.timings))
      .catch(() => {})
      .then(() => this.scheduleSpare());
    return this.idleDone;
  }

  /** idle() once no student code has been queued for QUIET_AFTER_STOP_MS; idleDone covers the wait too. */
  idleWhenQuiet(handle) {
    let done;
    this.idleDone = new Promise((resolve) => (done = resolve));
    let quietSince = performance.now();
    const tick = () => {
      if (this.current !== handle) return done();
      if (this.busy > 0) quietSince = performance.now();
      if (performance.now() - quietSince < QUIET_AFTER_STOP_MS) return void setTimeout(tick, 100);
      done(this.idle());
    };
    tick();
  }

  /** Plain hosts only: keep a second, idle worker ready to replace a stopped one. */
  scheduleSpare() {
    if (this.canInterrupt || this.spare || this.spareTimer) return;
    this.spareTimer = setTimeout(() => {
      this.spareTimer = null;
      if (this.busy > 0) return this.scheduleSpare(); // never compete with the student's own run
      if (!this.spare) this.startSpare();
    }, SPARE_DELAY_MS);
  }

  /** Load a spare worker in the background (forgotten again if its start-up fails). */
  startSpare() {
    const spare = this.spawn();
    this.spare = spare;
    spare.ready.catch(() => {
      if (this.spare === spare) this.spare = null;
    });
  }

  /** Resolves when a spare worker is ready (plain hosts); false when none is needed. */
  get spareReady() {
    if (this.canInterrupt) return Promise.resolve(false);
    const wait = () => (this.spare ? this.spare.ready.then(() => true) : new Promise((r) => setTimeout(r, 200)).then(wait));
    return this.ready.then(wait);
  }

  send(type, payload = {}) {
    return this.ready.then(() => this.current.send(type, payload));
  }

  /**
   * A page (first load or instant navigation) shows these exercises reading these tables: add the tables to
   * data/ and prepare the reference answers in the background. Resolves when the page can run code.
   */
  usePage(exercises, tables) {
    this.exercises = [...exercises];
    const missing = [...tables].filter((t) => !this.tables.has(t));
    for (const t of missing) this.tables.add(t);
    const handle = this.current;
    return this.ready.then(() => {
      if (this.current !== handle) return this.ready; // restarted meanwhile: the new worker has every table
      const jobs = [];
      if (missing.length) jobs.push(handle.send("tables", { tables: missing }));
      if (this.spare && missing.length) {
        const spare = this.spare;
        spare.ready.then(() => spare.send("tables", { tables: missing })).catch(() => {});
      }
      if (exercises.length) handle.send("prepare", { exercises: [...exercises] }).catch(() => {}); // queued, not awaited
      return Promise.all(jobs);
    });
  }

  /** Run a request that executes student code; while it runs 停止 may interrupt it. */
  async exec(type, payload) {
    await this.ready;
    const handle = this.current;
    this.busy += 1;
    this.running = false;
    this.stopQueued = false;
    const onProgress = (progress) => {
      if (progress.step !== "started" || this.current !== handle) return;
      this.running = true;
      this.runStarted = performance.now();
      this.watchLongRun(handle);
      if (this.stopQueued) handle.interrupt(); // 停止 pressed while the run waited behind background work
    };
    const request = handle.send(type, payload, onProgress);
    this.requestId = handle.lastId;
    try {
      return await request;
    } catch (err) {
      if (err.fatal && this.current === handle) this.restart(err.message);
      throw err;
    } finally {
      if (this.current === handle) {
        this.busy = Math.max(0, this.busy - 1);
        this.running = false;
        this.stopQueued = false;
        this.releaseSpare();
      }
    }
  }

  /** Isolated pages: once this run has lasted longRunMs, load a spare in case 停止 finds it stuck in C. */
  watchLongRun(handle) {
    if (!this.canInterrupt) return;
    clearTimeout(this.spareDropTimer); // a spare kept from the last long run serves this one
    this.spareDropTimer = null;
    clearTimeout(this.longRunTimer);
    this.longRunTimer = setTimeout(() => {
      this.longRunTimer = null;
      if (this.current === handle && this.running && !this.spare) this.startSpare();
    }, this.longRunMs);
  }

  /** Isolated pages, the run is over: drop a spare still loading; keep a ready one idle for spareKeepMs. */
  releaseSpare() {
    clearTimeout(this.longRunTimer);
    this.longRunTimer = null;
    const spare = this.spare;
    if (!this.canInterrupt || !spare || this.busy > 0) return;
    const drop = () => {
      if (this.spare !== spare || this.busy > 0) return;
      this.spare = null;
      spare.terminate();
    };
    if (!spare.isReady) drop();
    else {
      clearTimeout(this.spareDropTimer);
      this.spareDropTimer = setTimeout(drop, this.spareKeepMs);
    }
  }

  /** Stop running code: interrupt buffer when the page is cross-origin isolated, else a new worker. */
  stop() {
    if (this.busy === 0) return Promise.resolve("idle");
    const handle = this.current;
    if (!handle.interruptBuffer) return this.restart(STOPPED).then(() => "restarted", () => "restarted");
    this.stopQueued = true;
    if (this.running) handle.interrupt();
    else {
      // Still queued behind background work (grader, reference answers): drop it, no need to wait.
      const err = new Error(STOPPED_QUEUED);
      err.stopped = true;
      handle.cancel(this.requestId, err);
      return Promise.resolve("cancelled");
    }
    return new Promise((resolve) => {
      const poll = () => {
        if (this.current !== handle || this.busy === 0) resolve("interrupted");
        else if (this.running && performance.now() - Math.max(this.runStarted, this.stopPressed) > this.interruptGraceMs) {
          // Stuck in C code that never checks the buffer: fall back to a new worker.
          this.restart(STOPPED).then(() => resolve("restarted"), () => resolve("restarted"));
        } else setTimeout(poll, 20);
      };
      this.stopPressed = performance.now();
      poll();
    });
  }

  restart(reason) {
    const err = new Error(reason);
    err.stopped = true;
    const old = this.current;
    const next = this.spare && !this.spare.dead ? this.spare : this.spawn();
    this.spare = null;
    clearTimeout(this.longRunTimer);
    clearTimeout(this.spareDropTimer);
    this.busy = 0;
    this.ready = this.adopt(next, true);
    old.terminate(err);
    return this.ready;
  }

  setStudent(student) {
    const tables = [...this.tables];
    const tasks = [this.send("setStudent", { student, tables })];
    if (this.spare) {
      const spare = this.spare;
      // A spare dropped meanwhile (isolated pages drop one still loading when a long run ends) is no failure.
      tasks.push(spare.ready.then(() => spare.send("setStudent", { student, tables })).catch(() => null));
    }
    // The reference answers depend on the 学号: prepare the new student's in the background.
    return Promise.all(tasks).then(([value]) => {
      if (this.exercises.length) this.current.send("prepare", { exercises: [...this.exercises] }).catch(() => {});
      return value;
    });
  }

  /** A view of this runtime for one page: its state listeners are dropped when the page goes away. */
  scope() {
    const runtime = this;
    const unsubscribers = [];
    return {
      get ready() {
        return runtime.ready;
      },
      get state() {
        return runtime.state;
      },
      onState(fn) {
        const off = runtime.onState(fn);
        unsubscribers.push(off);
        return off;
      },
      setState: (state) => runtime.setState(state),
      send: (type, payload) => runtime.send(type, payload),
      exec: (type, payload) => runtime.exec(type, payload),
      stop: () => runtime.stop(),
      dispose() {
        for (const off of unsubscribers.splice(0)) off();
      },
    };
  }
}
