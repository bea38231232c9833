// One exercise widget: editor, buttons, status line, output and feedback, autosaved progress.
import { createEditor } from "./editor.js";
import { nextAfter, notifyProgress } from "./course.js";
import { el, errorLine, renderFeedback, renderMessage, renderRun } from "./output.js";
import { emptyRecord, loadRecord, saveRecord } from "./store.js";
import { askStudent } from "./student-field.js";
import { STATUS_TEXT, STOPPED_TEXT, WAITING, loadingText, restartingText } from "./widget-text.js";

const SAVE_DELAY_MS = 400;

// The widgets of the page on screen; one pagehide listener for all of them (scripts run once per tab).
const live = new Set();
window.addEventListener("pagehide", () => {
  for (const widget of live) if (widget.saveTimer) widget.flushSave();
});

// Esc closes a toolbar tooltip shown on hover or focus (WCAG 1.4.13). One listener for every page view's toolbars
// (on the document: a tooltip shown by the pointer has no focus in the toolbar).
document.addEventListener("keydown", (e) => {
  if (e.key !== "Escape") return;
  for (const toolbar of document.querySelectorAll(".exercise .cw-toolbar")) {
    if (toolbar.matches(":hover") || toolbar.contains(document.activeElement)) toolbar.classList.add("cw-tips-off");
  }
});

export class ExerciseWidget {
  /**
   * @param {HTMLElement} root  the `.exercise[data-exercise]` element rendered by the build
   * @param {{runtime: import("./runtime.js").Runtime, student: () => string|null}} ctx
   */
  constructor(root, ctx) {
    this.root = root;
    this.ctx = ctx;
    this.id = root.dataset.exercise;
    this.hash = root.dataset.hash || "";
    this.solutions = root.dataset.solutions === "true";
    this.attemptsBeforeSolution = Number(root.dataset.attemptsBeforeSolution || "3");
    this.starter = root.querySelector("[data-role=starter]")?.value ?? "";
    this.status = root.querySelector("[data-role=status]");
    this.output = root.querySelector("[data-role=output]");
    this.feedback = root.querySelector("[data-role=feedback]");
    this.notice = root.querySelector("[data-role=notice]");
    this.buttons = Object.fromEntries([...root.querySelectorAll("[data-action]")].map((b) => [b.dataset.action, b]));
    this.record = loadRecord(this.id) || emptyRecord(this.hash);
    this.saveTimer = null;
    this.phase = "loading";
    this.stopped = false; // 停止 ended the last run: said in the status until the runtime is ready again

    if (this.record.code !== null && this.record.hash && this.record.hash !== this.hash) {
      this.showNotice("这个练习在你上次保存之后更新过。你的代码已保留；如果运行出错，可以点“重置”换成新的初始代码（重置后可以点“撤销重置”找回）。");
    }
    const mount = root.querySelector("[data-role=editor]");
    mount.replaceChildren();
    this.editor = createEditor(mount, this.record.code ?? this.starter, {
      onRun: () => this.run(),
      onChange: () => this.scheduleSave(),
      label: `练习“${root.querySelector(".cw-title")?.textContent || this.id}”的代码`, // the title a reader hears
    });
    this.bind();
    this.updateSolutionButton();
    if (this.record.passed) this.showNext(); // coming back to a passed exercise: the way on is right there
    ctx.runtime.onState((state) => this.onRuntimeState(state));
    // Only unsaved edits are written on leaving: merely viewing an exercise does not start it.
    for (const widget of live) if (!widget.root.isConnected) live.delete(widget); // pages left by instant navigation
    live.add(this);
  }

  bind() {
    const actions = {
      run: () => this.run(),
      check: () => this.check(),
      reset: () => this.reset(),
      solution: () => this.showSolution(),
      download: () => this.download(),
      stop: () => this.stop(),
    };
    for (const [name, button] of Object.entries(this.buttons)) {
      const action = actions[name];
      if (!action) continue;
      button.addEventListener("click", () => {
        if (this.phase !== "loading" || !(name in WAITING)) return action();
        // Pressed while Python starts or the student's data is being made (typing the 学号 and clicking at once):
        // not lost, done as soon as it is ready.
        this.queued = { action, label: WAITING[name] };
        this.status.textContent = `${this.status.textContent.replace(/（准备好后会自动.*）$/, "")}（准备好后会自动${WAITING[name]}）`;
        return undefined;
      });
    }
    // A tooltip closed with Esc (the document's listener above) stays closed until the pointer or the focus leaves.
    const toolbar = this.root.querySelector(".cw-toolbar");
    if (toolbar) {
      const back = () => toolbar.classList.remove("cw-tips-off");
      toolbar.addEventListener("mouseleave", back);
      toolbar.addEventListener("focusin", back); // the keyboard moved on to another button: its tip shows
      toolbar.addEventListener("focusout", (e) => { if (!toolbar.contains(e.relatedTarget)) back(); });
    }
  }

  // -- state ---------------------------------------------------------------------------------

  setStatus(state, text) {
    // Python's start-up reports each step; a screen reader hears the first and then "就绪", not every step.
    this.status.setAttribute("aria-live", state === "loading" && this.phase === "loading" ? "off" : "polite");
    this.phase = state;
    this.status.dataset.state = state;
    this.status.textContent = text;
    // While loading the buttons stay pressable (the press waits, see bind); aria-disabled says they are not ready.
    const busy = state === "running" || state === "error";
    // A focused button that gets disabled drops the keyboard focus to <body>: remember it and give it back after.
    const focused = document.activeElement;
    const owned = Object.values(this.buttons).includes(focused);
    for (const name of Object.keys(WAITING)) {
      if (!this.buttons[name]) continue;
      this.buttons[name].disabled = busy;
      this.buttons[name].setAttribute("aria-disabled", String(busy || state === "loading"));
    }
    if (this.buttons.stop) this.buttons.stop.disabled = state !== "running";
    if (owned && focused.disabled) this.focusBack = focused === this.buttons.stop ? this.buttons.run : focused;
    const lost = !document.activeElement || document.activeElement === document.body;
    if (this.focusBack && !this.focusBack.disabled) {
      if (lost) this.focusBack.focus({ preventScroll: true });
      this.focusBack = null;
    }
    this.root.dataset.state = state;
  }

  onRuntimeState(state) {
    // A worker swapped in by 停止: the run's own end (execute) shows it, the status follows from there.
    if (this.phase === "running" && state.phase !== "error") return;
    if (state.phase === "loading") this.setStatus("loading", this.stopped ? restartingText(state.step) : loadingText(state.step));
    else if (state.phase === "ready" && this.stopped) this.setStatus("ready", STOPPED_TEXT);
    else if (state.phase === "ready") this.setStatus("ready", this.record.passed ? `${STATUS_TEXT.ready} 你已通过这个练习 ✔` : STATUS_TEXT.ready);
    else if (state.phase === "error") this.setStatus("error", `运行环境启动失败：${state.message}`);
    if (state.phase !== "loading") this.stopped = false;
    const queued = this.queued;
    if (!queued) return;
    if (state.phase === "loading") { // the next start-up step: the press still waits, and the status says so
      this.status.textContent += `（准备好后会自动${queued.label}）`;
      return;
    }
    this.queued = null;
    if (state.phase === "ready") queued.action();
  }

  showNotice(text) {
    if (!this.notice) return;
    this.notice.textContent = text;
    this.notice.hidden = false;
  }

  // -- progress --------------------------------------------------------------------------------

  scheduleSave() {
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => this.flushSave(), SAVE_DELAY_MS);
  }

  flushSave() {
    clearTimeout(this.saveTimer);
    this.saveTimer = null;
    this.record.code = this.editor.getCode();
    this.record.hash = this.hash;
    saveRecord(this.id, this.record);
  }

  updateSolutionButton() {
    const button = this.buttons.solution;
    if (!button) return;
    const unlocked = this.solutions && (this.record.passed || this.record.attempts >= this.attemptsBeforeSolution);
    button.hidden = !unlocked;
    if (!unlocked && this.solutions) {
      const left = Math.max(this.attemptsBeforeSolution - this.record.attempts, 0);
      button.dataset.tip = `再检查 ${left} 次未通过，或通过检查后可查看答案`;
    }
  }

  // -- actions ---------------------------------------------------------------------------------

  async execute(type, okState) {
    if (this.phase === "running" || this.phase === "loading") return null;
    this.flushSave();
    this.setStatus("running", STATUS_TEXT.running);
    this.feedback.replaceChildren();
    this.output.classList.add("cw-stale"); // the last run's output stays readable but is visibly the old one
    this.editor.markLine(null);
    try {
      const payload = await this.ctx.runtime.exec(type, { exercise: this.id, code: this.editor.getCode() });
      this.output.classList.remove("cw-stale");
      renderRun(this.output, payload, { collapsed: type === "check" });
      this.editor.markLine(errorLine(payload));
      if (payload.error?.kind === "interrupted") this.setStatus("ready", STOPPED_TEXT);
      // The status is the one live region: it carries the explanation's title (the output is not read out whole).
      else if (payload.error) this.setStatus("ready", `代码出错了：${payload.error.explain?.title || "请看下面的说明"}。`);
      else if (okState) this.setStatus(okState, STATUS_TEXT.ready);
      return payload;
    } catch (err) {
      this.output.classList.remove("cw-stale");
      renderMessage(this.output, "error", err.stopped ? "代码已被停止（按了“停止”）。" : err.message); // the status says what next
      // After 停止 the widget is usable at once: a ready spare took over, or the new worker's start-up shows
      // step by step in the status. Other errors (a fatal one restarts Python) wait for the runtime.
      this.stopped = Boolean(err.stopped);
      if (!err.stopped) await this.ctx.runtime.ready.catch(() => {});
      this.phase = "ended"; // the run is over: the runtime's state sets the status again
      this.onRuntimeState(this.ctx.runtime.state);
      return null;
    }
  }

  run() {
    return this.execute("run", "ready");
  }

  async check() {
    const payload = await this.execute("check", null);
    if (!payload || payload.error) return;
    const report = payload.check;
    const firstFailed = renderFeedback(this.feedback, report);
    if (!report || report.error || report.status === "error") {
      this.setStatus("failed", STATUS_TEXT.failed); // the reason is in the feedback box, said once
      this.record.attempts += 1;
    } else if (report.passed) {
      this.record.passed = true;
      const skipped = (report.checks || []).filter((c) => c.skipped).reduce((sum, c) => sum + Number(c.max_points || 0), 0);
      this.setStatus(
        "passed",
        skipped
          ? `页面上能运行的检查都通过了 ✔ 得分 ${report.score} 分；另外 ${skipped} 分的检查由老师的评分程序完成。`
          : `${STATUS_TEXT.passed} 得分 ${report.score} / ${report.max_score}。`,
      );
    } else {
      this.record.attempts += 1;
      this.setStatus("failed", `${STATUS_TEXT.failed} 得分 ${report.score} / ${report.max_score}。`);
    }
    if (report && !report.error) {
      const best = this.record.best;
      if (!best || Number(report.score) > Number(best.points)) {
        this.record.best = { points: report.score, max_points: report.max_score };
      }
    }
    this.flushSave();
    this.updateSolutionButton();
    notifyProgress();
    if (report && report.passed) this.showNext();
    if (firstFailed) firstFailed.focus();
  }

  /** After passing: a link to the next exercise of the course (manifest order), or to 我的进度 after the last. */
  async showNext() {
    const next = await nextAfter(this.id).catch(() => null);
    if (!next || !this.feedback.isConnected || this.feedback.querySelector("[data-role=next]")) return;
    const text = next.exercise ? `下一题：${next.exercise.title} →` : "全部练习都做完了：去“我的进度”看看 →";
    this.feedback.append(el("p", { class: "cw-next", "data-role": "next" }, el("a", { href: next.href }, text)));
  }

  reset() {
    const before = this.getCode();
    this.editor.setCode(this.starter);
    this.flushSave();
    this.feedback.replaceChildren();
    this.editor.markLine(null);
    // Phones have no Ctrl+Z: a button brings the code back (while the page is open; the hint says so)
    const undo = el("button", { type: "button", class: "md-button", "data-action": "undo-reset" }, "撤销重置");
    undo.addEventListener("click", () => {
      this.editor.setCode(before);
      this.flushSave();
      this.output.replaceChildren();
      if (this.phase === "ready") this.setStatus("ready", "已找回重置前的代码。");
    });
    this.output.replaceChildren(el("p", { class: "cw-hint" }, "已恢复为初始代码。点“撤销重置”可以找回刚才的代码（离开这一页以后就找不回了）。", undo));
    if (this.phase !== "loading" && this.phase !== "error" && this.phase !== "running") {
      this.setStatus("ready", "已恢复为初始代码。");
    }
  }

  async showSolution() {
    if (!this.solutions) return;
    try {
      const { code } = await this.ctx.runtime.ready.then(() => this.ctx.runtime.send("solution", { exercise: this.id }));
      renderMessage(this.output, "solution", code);
      this.output.firstChild.prepend(Object.assign(document.createElement("div"), { className: "cw-block-title", textContent: "参考答案（你的代码没有被替换）" }));
    } catch (err) {
      renderMessage(this.output, "error", err.message);
    }
  }

  /**
   * 下载提交文件 needs the 学号: the file is graded on that student's own data. Without one, ask for it
   * first (inline form); the data is then regenerated for that 学号 and the download runs on it.
   */
  async download() {
    if (!this.ctx.student()) {
      askStudent(this);
      return;
    }
    const payload = await this.execute("download", "ready");
    if (!payload || payload.error) return;
    if (!payload.file) {
      renderMessage(this.output, "error", payload.file_error || "无法生成提交文件。");
      return;
    }
    const bytes = Uint8Array.from(atob(payload.file.b64), (c) => c.charCodeAt(0));
    const url = URL.createObjectURL(new Blob([bytes], { type: payload.file.mime }));
    const link = Object.assign(document.createElement("a"), { href: url, download: payload.file.name });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    this.setStatus("ready", payload.file_warning ? `已生成提交文件 ${payload.file.name}。注意：${payload.file_warning}`
      : `已生成提交文件 ${payload.file.name}：把它交给老师。`);
    this.status.scrollIntoView({ block: "nearest" }); // after the 学号 form a phone shows the page far below
  }

  async stop() {
    if (this.phase !== "running") return;
    this.status.textContent = "正在停止……";
    await this.ctx.runtime.stop();
  }

  getCode() {
    return this.editor.getCode();
  }

  setCode(code) {
    this.editor.setCode(code);
    this.flushSave();
  }
}
