// 我的进度: the course progress bar and export/import at the top, then every exercise, quiz and scenario
// of the course with its status.
import { courseProgress, notifyProgress, progressBar } from "./course.js";
import { el } from "./output.js";
import { scenarioSection } from "./scenario-progress.js";
import { exportAll, getStudent, importAll, loadRecord, quizRecord } from "./store.js";

function statusOf(record) {
  if (!record || record.code === null) return ["todo", "未开始"];
  if (record.passed) return ["passed", "已通过"];
  if (record.attempts > 0) return ["failed", `未通过（已检查 ${record.attempts} 次）`];
  return ["started", "已开始"];
}

function when(ts) {
  if (!ts) return "—";
  const d = new Date(ts);
  const pad = (n) => String(n).padStart(2, "0");
  // The year only when it is not this one: the column stays narrow enough for a phone
  const year = d.getFullYear() === new Date().getFullYear() ? "" : `${d.getFullYear()}-`;
  return `${year}${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function exerciseTable(manifest, siteRoot) {
  const rows = manifest.exercises.map((ex) => {
    const record = loadRecord(ex.id);
    const [state, label] = statusOf(record);
    const best = record?.best ? `${record.best.points} / ${record.best.max_points}` : "—";
    const changed = record && record.code !== null && record.hash && record.hash !== ex.hash;
    const title = ex.page
      ? el("a", { href: new URL(ex.page, siteRoot).href }, ex.title || ex.id)
      : document.createTextNode(ex.title || ex.id);
    return el(
      "tr",
      { "data-exercise": ex.id, "data-status": state },
      el("td", {}, title, el("div", { class: "cw-muted", text: ex.id })),
      el("td", { class: `cw-progress-${state}` }, label, changed ? el("div", { class: "cw-muted", text: "（练习已更新）" }) : null),
      el("td", { text: best }),
      el("td", { text: when(record?.ts) }),
    );
  });
  const head = el("tr", {}, ...["练习", "状态", "最好成绩", "最近保存"].map((h) => el("th", { text: h })));
  const passed = manifest.exercises.filter((ex) => loadRecord(ex.id)?.passed).length;
  return el(
    "div",
    {},
    el("p", { class: "cw-progress-summary", text: `已通过 ${passed} / ${manifest.exercises.length} 个练习。` }),
    el("div", { class: "cw-progress-wrap" }, el("table", {}, el("thead", {}, head), el("tbody", {}, ...rows))),
  );
}

// Tables carry no class so mkdocs-material styles them like any table in the course text.
// Quizzes come from content-A's assets/quizzes.json ({quizzes: [{id, title, page, total}]});
// their records are localStorage["courseware:v1:quiz:<id>"] = {answers, correct, total, timestamp}.
function quizTable(quizzes, siteRoot) {
  const rows = quizzes.map((quiz) => {
    const record = quizRecord(quiz.id);
    const done = record && Number.isFinite(Number(record.correct));
    const title = quiz.page ? el("a", { href: new URL(quiz.page, siteRoot).href }, quiz.title || quiz.id) : quiz.title || quiz.id;
    const when = record?.timestamp ? String(record.timestamp).slice(0, 16).replace("T", " ") : "—";
    return el(
      "tr",
      { "data-quiz": quiz.id, "data-status": done ? "done" : "todo" },
      el("td", {}, title),
      el("td", { text: done ? `答对 ${record.correct} / ${record.total ?? quiz.total}` : "未作答" }),
      el("td", { text: when }),
    );
  });
  const head = el("tr", {}, ...["自测题", "结果", "最近作答"].map((h) => el("th", { text: h })));
  return el("div", { class: "cw-progress-wrap" }, el("table", {}, el("thead", {}, head), el("tbody", {}, ...rows)));
}

function loadQuizzes(siteRoot) {
  return fetch(new URL("assets/quizzes.json", siteRoot))
    .then((resp) => (resp.ok ? resp.json() : { quizzes: [] }))
    .then((data) => (Array.isArray(data.quizzes) ? data.quizzes : []))
    .catch(() => []);
}

function downloadJSON(data) {
  const name = `${getStudent() || "我的"}_课程进度_${new Date().toISOString().slice(0, 10)}.json`;
  const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: "application/json" }));
  const link = Object.assign(document.createElement("a"), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export async function mountProgressPage(root, { loadManifest, siteRoot }) {
  const list = el("div", { "data-role": "progress-list" }, el("p", { text: "正在读取练习清单……" }));
  const message = el("p", { class: "cw-progress-message", "data-role": "progress-message", role: "status" });
  const fileInput = el("input", { type: "file", accept: "application/json,.json", hidden: true, "data-role": "import-file" });
  const exportButton = el("button", { type: "button", class: "md-button", "data-action": "export" }, "导出进度（JSON）");
  const importButton = el("button", { type: "button", class: "md-button", "data-action": "import" }, "导入进度");
  const bar = el("div", { "data-role": "course-progress" });
  root.replaceChildren(bar, el("div", { class: "cw-progress-actions" }, exportButton, importButton, fileInput), message, list);

  let manifest = null;
  let quizzes = [];
  const render = () => {
    courseProgress().then((progress) => bar.replaceChildren(progressBar(progress)), () => {});
    if (!manifest) return;
    list.replaceChildren(el("h2", { text: "练习" }), exerciseTable(manifest, siteRoot));
    if (quizzes.length) list.append(el("h2", { text: "自测题" }), quizTable(quizzes, siteRoot));
    list.append(scenarioSection(siteRoot));
  };

  exportButton.addEventListener("click", () => {
    downloadJSON(exportAll());
    message.textContent = "已导出。换电脑时在这一页点“导入进度”并选择这个文件。";
  });
  importButton.addEventListener("click", () => fileInput.click());
  fileInput.addEventListener("change", async () => {
    const file = fileInput.files[0];
    if (!file) return;
    try {
      const { imported, kept } = importAll(JSON.parse(await file.text()));
      message.textContent = `已导入 ${imported} 条记录。`
        + (kept ? `有 ${kept} 条这台电脑上的更新（或已通过），保留了这台电脑上的。` : "");
      render();
      notifyProgress();
    } catch (err) {
      message.textContent = err instanceof SyntaxError ? `文件 ${file.name} 不是有效的 JSON，请选择导出的进度文件。` : err.message;
    }
    fileInput.value = "";
  });

  try {
    [manifest, quizzes] = await Promise.all([loadManifest(), loadQuizzes(siteRoot)]);
    render();
  } catch (err) {
    list.replaceChildren(el("p", { class: "cw-error", text: err.message }));
  }
}
