// 教师批改 widget (::grading{} → courseware/grading.py): pick or drop the class's files, optional roster and
// duplicate policy, 开始批改 → grading workers (pool.js) → the gradebook (grader.webgrade.merge) → class table,
// details and downloads. The run is kept in IndexedDB (store.js): a reload resumes it. Test contract: DESIGN.md.
import { fnv1a } from "../pycache.js";
import { registerMount } from "../mount.js";
import { bindDrop, fromInput } from "./files.js";
import { GradingPool, GradingWorker, poolSize, Standby } from "./pool.js";
import { doneText, el, renderDetails, renderTable } from "./results.js";
import { download, lap, minutes, OUTPUTS } from "./outputs.js";
import { clearAll, loadResults, loadRun, saveResult, saveRun } from "./store.js";
import { reusable, rosterInput } from "./roster.js";

const api = { limits: null, book: null, stats: { total: 0, done: 0, restored: 0, graded: 0, workers: 0, workersCreated: 0 }, state: "idle" };
window.courseware = Object.assign(window.courseware || {}, {
  grading: {
    gradebook: () => api.book,
    stats: () => ({ ...api.stats }),
    state: () => api.state,
    standbyReady: () => Boolean(api.standby && api.standby.ready), // a worker started at the pick has loaded
    // Tests: shorter limits than grader.webgrade.LIMITS (seconds), e.g. {file_timeout: 0.01}; null = the defaults.
    setLimits: (limits) => {
      api.limits = limits;
    },
  },
});

function mountGrading(root, ctx) {
  const q = (sel) => root.querySelector(sel);
  const status = q("[data-role=status]");
  const progress = q("[data-role=progress]");
  const bar = progress.querySelector("progress");
  const progressText = q("[data-role=progress-text]");
  const results = q("[data-role=results]");
  const gradeButton = q("[data-action=grade]");
  const cancelButton = q("[data-action=cancel]");
  const roster = rosterInput(root);
  const duplicates = q("[data-role=duplicates]");
  const exam = root.dataset.solutions === "false";
  const siteRoot = ctx.siteRoot || new URL(root.dataset.base || "./", location.href);
  const init = {
    indexURL: new URL("pyodide/", siteRoot).href,
    manifestURL: new URL("assets/courseware/py/manifest.json", siteRoot).href,
  };
  const workerURL = new URL("assets/courseware/grading-worker.js", siteRoot);
  let selection = [];
  let pool = null;
  let merged = null; // a live worker holding the merged gradebook (downloads)
  let current = null; // the run being graded or shown
  const standby = new Standby(workerURL, init); // started once files are picked: 开始批改 need not wait for Python
  api.standby = standby;
  let alive = true;

  function setState(state, text) {
    api.state = state;
    status.dataset.state = state;
    root.dataset.state = state;
    status.textContent = text;
    if (state === "done") status.dataset.doneText = text;
    const running = state === "running";
    gradeButton.disabled = running || exam;
    cancelButton.disabled = !running;
  }

  const keepOld = el("input", { type: "checkbox", "data-role": "keep-previous" });
  function showSelection(files = selection, label = "已选择") {
    const total = files.reduce((n, f) => n + f.blob.size, 0);
    const summary = q("[data-role=files-summary]");
    summary.textContent = files.length
      ? `${label} ${files.length} 个文件（${(total / 1048576).toFixed(1)} MB）：${files.slice(0, 3).map((f) => f.path).join("、")}${files.length > 3 ? " …" : ""}`
      : "还没有选择文件。";
    const old = current && current.files && files === selection && selection.length ? current.files.length : 0;
    if (old) { // a late file: add it to last run's files, or the new pick replaces that run
      keepOld.checked = false;
      summary.append(el("br"), el("label", {}, keepOld, ` 连同上次批改的 ${old} 个文件一起批改（补交的文件请勾选；和上次一样的文件不再重新批改）`),
        el("br"), "不勾选时，开始批改后，上次的结果会被这次的替换。");
    }
  }

  function addFiles(files) {
    const known = new Set(selection.map((f) => f.path));
    for (const f of files) if (!known.has(f.path)) selection.push(f);
    showSelection();
    if (selection.length && !pool && !exam) standby.start();
    if (api.state !== "running") setState("idle", "选好文件后点“开始批改”。");
  }

  q("[data-role=files]").addEventListener("change", (e) => addFiles(fromInput(e.target.files)));
  q("[data-role=folder]").addEventListener("change", (e) => addFiles(fromInput(e.target.files)));
  bindDrop(q("[data-role=drop]"), (files) => exam || addFiles(files));

  function showProgress(startedAt) {
    const { total, done, graded } = api.stats;
    progress.hidden = false;
    bar.max = Math.max(1, total);
    bar.value = done;
    const elapsed = (performance.now() - startedAt) / 1000;
    const left = graded > 0 ? ((total - done) * elapsed) / graded : null;
    progressText.textContent = `已批改 ${done} / ${total} 个文件${left !== null && done < total ? `，约剩 ${minutes(left)}` : ""}`;
  }

  async function grade(resume) {
    let picked = selection.slice();
    if (!resume && keepOld.checked && current && current.files) {
      const fresh = new Set(picked.map((f) => f.path));
      picked = [...current.files.filter((f) => !fresh.has(f.path)), ...picked];
    }
    const run = resume || { files: picked, duplicates: duplicates.value, roster: null };
    if (!resume && run.files.length) {
      showSelection(run.files, "本次批改");
      selection = []; // the next pick starts a new selection (another class, or a late file)
    }
    if (!run.files.length) {
      setState("error", "还没有选择文件：把学生提交的文件、文件夹或 zip 拖进上面的框里，或点“选择文件”。");
      return;
    }
    current = run;
    results.hidden = true;
    api.book = null;
    if (merged) merged.terminate();
    merged = null;
    api.stats = { total: 0, done: 0, restored: 0, graded: 0, workers: 0, workersCreated: 0 };
    setState("running", "正在启动批改环境（加载 Python 和 pandas，第一次需要十几秒）……");
    const clock = { at: performance.now() };
    const files = await Promise.all(run.files.map(async (f) => ({ path: f.path, mtime: f.mtime, data: await f.blob.arrayBuffer() })));
    pool = new GradingPool({
      workerURL, init, files, roster: [],
      onResult: () => {},
      onWorkers: (n) => {
        api.stats.workers = n;
        api.stats.workersCreated = pool ? pool.created : 0;
      },
    });
    const thisPool = pool;
    try {
      const first = await pool.create(standby.take());
      api.stats.timings = first.info.timings;
      const phases = (api.stats.phases = { start: lap(clock) }); // seconds per phase (benches read them)
      const { ids, names } = await roster.read(first, run);
      run.roster = pool.roster = ids;
      run.names = pool.names = names;
      pool.limits = { ...first.info.limits, ...(api.limits || {}) };
      await pool.spawn(first);
      phases.load = lap(clock);
      const items = first.loaded.items;
      const key = fnv1a(JSON.stringify([run.files.map((f) => [f.path, f.blob.size, f.mtime]), run.roster, run.names, run.duplicates]));
      const stored = await loadRun();
      const sameRun = stored && stored.key === key;
      const done = sameRun ? await loadResults(key) : stored ? reusable(stored, await loadResults(stored.key), run, items) : new Map();
      Object.assign(run, { key, finished: false, cancelled: false, count: items.length, items: items.map((it) => it.file) });
      await saveRun({ ...run }, { fresh: !sameRun });
      if (!sameRun) for (const [index, entry] of done) saveResult(key, index, entry);
      api.stats.total = items.length;
      api.stats.restored = done.size;
      api.stats.done = done.size;
      const entries = new Map(done);
      const groups = (await first.send("plan")).map((g) => g.filter((i) => !entries.has(i)));
      const gradingStart = performance.now(); // time left: from the grading rate, start-up excluded
      pool.onResult = (index, entry) => {
        entries.set(index, entry);
        api.stats.done = entries.size;
        api.stats.graded += 1;
        saveResult(key, index, entry);
        showProgress(gradingStart);
      };
      const skipped = (first.loaded.skipped || []).length;
      const unpacked = items.length !== run.files.length ? `（选了 ${run.files.length} 个，压缩包里的文件分开算）` : "";
      setState("running", `正在批改 ${items.length} 个文件${unpacked}${done.size ? `（${done.size} 个上次已批改，沿用结果）` : ""}`
        + `${skipped ? `，另有 ${skipped} 个成绩、报告等 grader 生成的文件不批改` : ""}……`);
      showProgress(gradingStart);
      const size = poolSize(groups.filter((g) => g.length).length);
      const last = await pool.run(groups, size, first);
      phases.grade = lap(clock);
      setState("running", "正在汇总：检查疑似抄袭、重复提交和名单……");
      const createdAt = new Date().toISOString().replace(/\.\d+Z$/, "Z");
      const book = await last.send("merge", { entries: items.map((it) => entries.get(it.index)), duplicates: run.duplicates, createdAt });
      phases.merge = lap(clock);
      pool.shrink(last);
      merged = last;
      pool = null;
      api.book = book;
      run.finished = true;
      run.book = book;
      await saveRun({ ...run });
      if (!alive) return;
      showBook(book);
      setState("done", doneText(book.summary));
    } catch (err) {
      if (thisPool.cancelled) return;
      thisPool.cancel();
      pool = null;
      setState("error", err.message || String(err));
    }
  }

  function showBook(book) {
    results.hidden = false;
    const details = el("div", { class: "grading-details", "data-role": "details", hidden: true });
    const table = el("div", { "data-role": "table" });
    const downloads = el("p", { class: "grading-downloads", "data-role": "downloads" }, "下载：",
      OUTPUTS.map(([fmt, name, mime]) => el("button", { type: "button", class: "md-button", "data-download": fmt,
        onclick: () => saveOutput(fmt, name, mime) }, name)));
    results.replaceChildren(downloads, table, details);
    renderTable(table, book, (row) => renderDetails(details, row, book));
  }

  async function saveOutput(fmt, name, mime) {
    try {
      if (!merged) { // a restored run: its gradebook is rebuilt in a worker (the status says so; 取消 is not for this)
        status.textContent = "正在准备下载文件……";
        const run = current;
        const files = await Promise.all(run.files.map(async (f) => ({ path: f.path, mtime: f.mtime, data: await f.blob.arrayBuffer() })));
        const worker = new GradingWorker(workerURL, init);
        await worker.ready;
        await worker.send("load", { files, roster: run.roster || [], names: run.names || {} });
        const entries = await loadResults(run.key);
        await worker.send("merge", { entries: [...Array(run.count).keys()].map((i) => entries.get(i)), duplicates: run.duplicates,
          createdAt: run.book.stamp.created_at });
        merged = worker;
        status.textContent = status.dataset.doneText || "批改完成。";
      }
      const { bytes } = await merged.send("output", { fmt });
      download(name, bytes, mime);
    } catch (err) {
      setState("error", `无法生成 ${name}：${err.message}`);
    }
  }

  gradeButton.addEventListener("click", () => {
    if (selection.length) grade(null);
    else if (current && !current.finished) grade(current);
    else grade(null);
  });
  cancelButton.addEventListener("click", async () => {
    if (pool) pool.cancel();
    pool = null;
    if (current) {
      current.cancelled = true;
      await saveRun({ ...current });
    }
    progressText.textContent = `已批改 ${api.stats.done} / ${api.stats.total} 个文件`; // no time left: nothing runs
    setState("idle", `已取消。已批改的 ${api.stats.done} 个文件已保存，再点“开始批改”会接着批改。`);
  });
  q("[data-action=clear]").addEventListener("click", async () => {
    if (pool) pool.cancel();
    pool = null;
    if (merged) merged.terminate();
    merged = null;
    standby.stop();
    await clearAll();
    current = null;
    api.book = null;
    selection = [];
    showSelection();
    roster.reset();
    results.hidden = true;
    progress.hidden = true;
    setState("idle", "已清除保存的批改结果。选好文件后点“开始批改”。");
  });

  if (document.getElementById("print-site-page")) {
    // The whole course on one page, for printing: nothing starts here.
    setState("idle", "打印页不能批改；请打开“在网页里批改”这一页。");
    for (const control of root.querySelectorAll("button, input, select, textarea")) control.disabled = true;
  } else if (exam) {
    setState("error", "考试版网站不能在网页里批改（网站里没有参考答案），请看上面的说明。");
  } else {
    loadRun().then((run) => {
      if (!run || !alive) return;
      current = run;
      duplicates.value = run.duplicates || duplicates.value; // what the shown results were graded with
      roster.restore(run);
      if (run.files) showSelection(run.files, "上次批改");
      if (run.finished && run.book) {
        api.book = run.book;
        api.stats = { ...api.stats, total: run.count, done: run.count, restored: run.count };
        showBook(run.book);
        setState("done", `显示的是上次的批改结果（${run.count} 个文件）。点“清除结果”可删除。`);
      } else if (!run.cancelled) {
        grade(run); // a reload or a closed tab: carry on where it stopped
      } else {
        setState("idle", "上次的批改已取消；点“开始批改”接着批改，或点“清除结果”。");
      }
    });
  }
  return () => {
    alive = false;
    if (pool) pool.cancel();
    if (merged) merged.terminate();
    standby.stop();
  };
}

registerMount(".grading", mountGrading);
