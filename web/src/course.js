// The course as a whole: what is done (exercises passed, quizzes answered, scenarios finished), ✓/◐ marks
// in the navigation, the course progress bar (`<div data-role="course-progress"></div>` on any page, and
// 我的进度), and the 下一题 link. Lists come from the build: the py manifest (exercises in course order),
// assets/quizzes.json and assets/scenarios.json; records from localStorage (store.js keys).
import { onPageView } from "./mount.js";
import { el } from "./output.js";
import { loadRecord, PREFIX, quizRecord } from "./store.js";

const SCRIPT = document.currentScript || document.querySelector("script[src*='assets/courseware/courseware.js']");
export const SITE_ROOT = new URL("../../", new URL(SCRIPT ? SCRIPT.src : "assets/courseware/courseware.js", location.href));
export const PROGRESS_PAGE = "progress/";

function getJSON(path, key) {
  return fetch(new URL(path, SITE_ROOT))
    .then((resp) => (resp.ok ? resp.json() : {}))
    .then((data) => (Array.isArray(data[key]) ? data[key] : []))
    .catch(() => []);
}

let listsPromise = null;
/** {exercises, quizzes, scenarios}: each a list of {id, title, page, …} in course order (fetched once per tab). */
export function loadLists() {
  if (!listsPromise) {
    listsPromise = Promise.all([
      getJSON("assets/courseware/py/manifest.json", "exercises"),
      getJSON("assets/quizzes.json", "quizzes"),
      getJSON("assets/scenarios.json", "scenarios"),
    ]).then(([exercises, quizzes, scenarios]) => ({ exercises, quizzes, scenarios }));
  }
  return listsPromise;
}

function scenarioRecord(id) {
  try {
    return JSON.parse(localStorage.getItem(`${PREFIX}scenario:${id}`) || "null");
  } catch {
    return null;
  }
}

/** Done means: an exercise passed its check, a quiz answered (submitted once), a scenario played to the end. */
export const DONE = {
  exercises: (item) => Boolean(loadRecord(item.id)?.passed),
  quizzes: (item) => Number.isFinite(Number(quizRecord(item.id)?.correct)),
  scenarios: (item) => Number.isFinite(scenarioRecord(item.id)?.best),
};

/** Counts per kind and overall: {done, total, percent, exercises: {done, total}, quizzes: …, scenarios: …}. */
export async function courseProgress() {
  const lists = await loadLists();
  const out = { done: 0, total: 0, percent: 0 };
  for (const [kind, isDone] of Object.entries(DONE)) {
    const done = lists[kind].filter(isDone).length;
    out[kind] = { done, total: lists[kind].length };
    out.done += done;
    out.total += lists[kind].length;
  }
  out.percent = out.total ? Math.round((100 * out.done) / out.total) : 0;
  return out;
}

/** The exercise after ``id`` in course order ({exercise, href}); after the last one, 我的进度. */
export async function nextAfter(id) {
  const { exercises } = await loadLists();
  const index = exercises.findIndex((ex) => ex.id === id);
  if (index < 0) return null;
  const next = exercises.slice(index + 1).find((ex) => ex.page);
  if (next) return { exercise: next, href: new URL(next.page, SITE_ROOT).href };
  return { exercise: null, href: new URL(PROGRESS_PAGE, SITE_ROOT).href };
}

/** Page path → {done, total}: how many of the exercises, quizzes and scenarios on it are done. */
function pageCounts(lists) {
  const pages = new Map();
  for (const [kind, isDone] of Object.entries(DONE)) {
    for (const item of lists[kind]) {
      if (!item.page) continue;
      const path = new URL(item.page, SITE_ROOT).pathname;
      const count = pages.get(path) || { done: 0, total: 0 };
      count.total += 1;
      if (isDone(item)) count.done += 1;
      pages.set(path, count);
    }
  }
  return pages;
}

/** After the title of every navigation link: ✓ when all on its page is done, ◐ when part of it is. */
export async function markNav() {
  const pages = pageCounts(await loadLists());
  for (const link of document.querySelectorAll("a.md-nav__link[href]")) {
    // Only links to pages get a mark: the table of contents (.md-nav--secondary) links to headings of this page,
    // written as full URLs with a #fragment by instant navigation.
    if (link.closest(".md-nav--secondary") || new URL(link.href).hash) continue;
    const count = pages.get(new URL(link.href).pathname);
    const state = !count || !count.done ? null : count.done === count.total ? "done" : "partial";
    let mark = link.querySelector(".cw-nav-mark");
    if (!state) {
      if (mark) mark.remove();
      continue;
    }
    if (!mark) {
      mark = el("span", { class: "cw-nav-mark" }, el("span", { "aria-hidden": "true" }), el("span", { class: "cw-sr-only" }));
      link.append(mark);
    }
    const label = state === "done" ? "已完成" : `完成了 ${count.done}/${count.total}`;
    mark.dataset.state = state;
    mark.title = label;
    mark.firstChild.textContent = state === "done" ? "✓" : "◐";
    mark.lastChild.textContent = `（${label}）`; // read by screen readers instead of the symbol
  }
}

/** The course progress bar: a bar and one line of counts. */
export function progressBar(progress) {
  const parts = [["练习", progress.exercises], ["自测题", progress.quizzes], ["情景模拟", progress.scenarios]]
    .filter(([, c]) => c && c.total)
    .map(([label, c]) => `${label} ${c.done}/${c.total}`);
  return el(
    "div",
    { class: "cw-course-bar" },
    el(
      "div",
      { class: "cw-bar", role: "progressbar", "aria-label": "课程进度", "aria-valuemin": "0", "aria-valuemax": "100",
        "aria-valuenow": String(progress.percent) },
      el("span", { style: `width: ${progress.percent}%` }),
    ),
    el("p", { class: "cw-bar-text", text: `课程进度 ${progress.percent}%：已完成 ${progress.done} / ${progress.total} 项（${parts.join("，")}）` }),
  );
}

async function fillBars() {
  const boxes = document.querySelectorAll("[data-role=course-progress]");
  if (!boxes.length) return;
  const progress = await courseProgress();
  for (const box of boxes) box.replaceChildren(progressBar(progress));
}

function refresh() {
  markNav().catch((err) => console.error(err));
  fillBars().catch((err) => console.error(err));
}

/** Tell the page that a record changed (after a check); nav marks and progress bars follow. */
export function notifyProgress() {
  window.dispatchEvent(new CustomEvent("courseware:progress"));
}

for (const name of ["courseware:progress", "courseware:quiz", "courseware:scenario", "storage"]) {
  window.addEventListener(name, refresh);
}
onPageView(() => refresh());
window.courseware = Object.assign(window.courseware || {}, { courseProgress });
