// Entry point of the page-side runtime (widgets, progress, quizzes).
import "./quiz.js";
import { mountProgressPage } from "./progress.js";
import { Runtime } from "./runtime.js";
import { getStudent, setStudent as storeStudent, STUDENT_KEY } from "./store.js";
import { ExerciseWidget } from "./widget.js";

const SCRIPT_URL = new URL(document.currentScript ? document.currentScript.src : "assets/courseware/courseware.js", location.href);
const SITE_ROOT = new URL("../../", SCRIPT_URL);
const WORKER_URL = new URL("worker.js", SCRIPT_URL);
const MANIFEST_URL = new URL("assets/courseware/py/manifest.json", SITE_ROOT);

const widgets = new Map();
let runtime = null;
let readyResolve;
let readyReject;
const ready = new Promise((resolve, reject) => {
  readyResolve = resolve;
  readyReject = reject;
});
ready.catch(() => {}); // failures are shown in every widget's status line

let manifestPromise = null;
export function loadManifest() {
  if (!manifestPromise) {
    manifestPromise = fetch(MANIFEST_URL).then((resp) => {
      if (!resp.ok) throw new Error(`找不到练习清单 ${MANIFEST_URL.pathname}（HTTP ${resp.status}）。请重新构建网站（make build）。`);
      return resp.json();
    });
  }
  return manifestPromise;
}

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

function bindStudentInputs() {
  syncStudentInputs(getStudent());
  for (const input of document.querySelectorAll("input[data-role=student]")) {
    input.addEventListener("change", () => setStudent(input.value));
  }
  // Another tab changed the 学号: follow it.
  window.addEventListener("storage", (event) => {
    if (event.key === STUDENT_KEY) setStudent(event.newValue);
  });
}

function startWidgets(roots) {
  // Only the tables this page's exercises read are copied into the worker (spec `datasets`).
  const tables = new Set(roots.flatMap((root) => (root.dataset.datasets || "").split(/\s+/).filter(Boolean)));
  runtime = new Runtime({ siteRoot: SITE_ROOT, workerURL: WORKER_URL, manifestURL: MANIFEST_URL, tables, getStudent });
  for (const root of roots) {
    try {
      widgets.set(root.dataset.exercise, new ExerciseWidget(root, { runtime, student: getStudent }));
    } catch (err) {
      console.error(err);
    }
  }
  runtime.ready.then(readyResolve, readyReject);
}

function widget(id) {
  const found = widgets.get(id);
  if (!found) throw new Error(`本页没有练习 ${id}`);
  return found;
}

function boot() {
  bindStudentInputs();
  const roots = [...document.querySelectorAll(".exercise[data-exercise]")];
  if (roots.length) startWidgets(roots);
  else readyResolve(null);
  const progressRoot = document.querySelector("[data-role=progress-page]");
  if (progressRoot) mountProgressPage(progressRoot, { loadManifest, siteRoot: SITE_ROOT });
}

window.courseware = Object.assign(window.courseware || {}, {
  ready,
  setCode: (id, code) => widget(id).setCode(code),
  getCode: (id) => widget(id).getCode(),
  setStudent,
});
// For tests and benchmarks: the page's Runtime (null on pages without exercises).
Object.defineProperty(window.courseware, "runtime", { get: () => runtime, configurable: true });

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
else boot();
