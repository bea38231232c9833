// Entry point of the page-side runtime (widgets, progress, quizzes). Runs ONCE per tab: Material's instant
// navigation swaps the page content, and every component mounts through ./mount.js on each page view.
// The Python runtime (one Web Worker) is created on the first page that holds an exercise and reused by
// every exercise on every later page of the tab.
import { mountContext, onPageView, pageViews, registerMount, startMounts } from "./mount.js";
import "./quiz.js";
import "./sw-register.js";
import "./content.js";
import "./grading/widget.js";
import { mountProgressPage } from "./progress.js";
import { Runtime } from "./runtime.js";
import { getStudent, setStudent as storeStudent, STUDENT_KEY } from "./store.js";
import { readStudent } from "./student-field.js";
import { ExerciseWidget } from "./widget.js";

const SCRIPT_URL = new URL(document.currentScript ? document.currentScript.src : "assets/courseware/courseware.js", location.href);
const SITE_ROOT = new URL("../../", SCRIPT_URL);
const WORKER_URL = new URL("worker.js", SCRIPT_URL);
const MANIFEST_URL = new URL("assets/courseware/py/manifest.json", SITE_ROOT);

let runtime = null; // one per tab, created on the first page with an exercise
let widgets = new Map(); // exercise id → widget of the current page
let firstPage;
let pageReady = new Promise((resolve) => {
  firstPage = resolve; // settled by the first page view
});

let manifestPromise = null;
export function loadManifest() {
  if (!manifestPromise) {
    manifestPromise = fetch(MANIFEST_URL).then((resp) => {
      if (!resp.ok) throw new Error(`找不到练习清单 ${MANIFEST_URL.pathname}（HTTP ${resp.status}）。请重新构建网站（make build）。`);
      return resp.json();
    });
    manifestPromise.catch(() => {
      manifestPromise = null;
    });
  }
  return manifestPromise;
}

Object.assign(mountContext, { siteRoot: SITE_ROOT, loadManifest, runtime: () => runtime });

function syncStudentInputs(value) {
  for (const input of document.querySelectorAll("input[data-role=student]")) {
    if (input !== document.activeElement) input.value = value || "";
  }
}

function setStudent(student) {
  const value = (student || "").trim() || null;
  storeStudent(value);
  syncStudentInputs(value);
  document.dispatchEvent(new CustomEvent("courseware:student", { detail: { student: value } }));
  if (!runtime) return Promise.resolve(value);
  for (const widget of widgets.values()) {
    if (widget.phase === "ready" || widget.phase === "passed" || widget.phase === "failed") {
      widget.setStatus("loading", value ? `正在为学号 ${value} 生成你自己的数据……` : "正在换回默认数据……");
    }
  }
  return runtime.setStudent(value).then(
    () => runtime.setState({ phase: "ready" }),
    (err) => runtime.setState({ phase: "error", message: err.message }),
  );
}

// Another tab changed the 学号: follow it.
window.addEventListener("storage", (event) => {
  if (event.key === STUDENT_KEY) setStudent(event.newValue);
});

registerMount("input[data-role=student]", (input) => {
  if (input !== document.activeElement) input.value = getStudent() || "";
  input.addEventListener("change", () => {
    const value = readStudent(input); // null: no 学号 (a name?) — the field says so and nothing changes
    if (value !== null) setStudent(value);
  });
});

/**
 * Material's instant navigation swaps the content without a page load: the keyboard focus stayed on the old link
 * (the next Tab went into the sidebar) and screen readers heard nothing. The new page's heading takes the focus,
 * as a page load would start there; a link to a section (#…) keeps Material's own scrolling.
 */
onPageView(() => {
  if (pageViews() < 2 || location.hash) return undefined;
  const heading = document.querySelector(".md-content article h1");
  if (heading) {
    heading.setAttribute("tabindex", "-1");
    heading.focus({ preventScroll: true });
  }
  return undefined;
});

/** Exercises of the page: one widget each, all sharing the tab's runtime through a page-scoped view. */
onPageView(() => {
  const roots = [...document.querySelectorAll(".exercise[data-exercise]")];
  widgets = new Map();
  if (roots.length && document.getElementById("print-site-page")) {
    // The whole course on one page, for printing: exercises stay static (task + starter code), no Python.
    for (const root of roots) {
      const status = root.querySelector("[data-role=status]");
      if (status) status.textContent = "这是打印版页面：要运行代码，请打开练习所在的任务页面。";
    }
    pageReady = Promise.resolve(null);
    firstPage(pageReady);
    return undefined;
  }
  if (!roots.length) {
    pageReady = Promise.resolve(null);
    firstPage(pageReady);
    return undefined;
  }
  // Only the tables this page's exercises read are copied into the worker (spec `datasets`).
  const tables = new Set(roots.flatMap((root) => (root.dataset.datasets || "").split(/\s+/).filter(Boolean)));
  const ids = roots.map((root) => root.dataset.exercise);
  if (!runtime) runtime = new Runtime({ siteRoot: SITE_ROOT, workerURL: WORKER_URL, manifestURL: MANIFEST_URL, tables, getStudent });
  const scope = runtime.scope();
  const pageWidgets = widgets;
  for (const root of roots) {
    try {
      pageWidgets.set(root.dataset.exercise, new ExerciseWidget(root, { runtime: scope, student: getStudent }));
    } catch (err) {
      console.error(err);
    }
  }
  pageReady = runtime.usePage(ids, tables).then(() => runtime.ready).then(() => null);
  pageReady.catch(() => {}); // failures are shown in every widget's status line
  firstPage(pageReady);
  return () => {
    // Leaving the page (instant navigation: no pagehide): keep unsaved edits, stop listening.
    for (const widget of pageWidgets.values()) if (widget.saveTimer) widget.flushSave();
    scope.dispose();
  };
});

registerMount("[data-role=progress-page]", (root) => {
  mountProgressPage(root, { loadManifest, siteRoot: SITE_ROOT });
});

function widget(id) {
  const found = widgets.get(id);
  if (!found) throw new Error(`本页没有练习 ${id}`);
  return found;
}

window.courseware = Object.assign(window.courseware || {}, {
  setCode: (id, code) => widget(id).setCode(code),
  getCode: (id) => widget(id).getCode(),
  setStudent,
});
// `ready` belongs to the page on screen: it resolves when that page can run code (null without exercises).
Object.defineProperty(window.courseware, "ready", { get: () => pageReady, configurable: true });
// For tests and benchmarks: the tab's Runtime (null until a page with an exercise was shown).
Object.defineProperty(window.courseware, "runtime", { get: () => runtime, configurable: true });

startMounts();
