// The 学号 fields (exercise widgets, 我的进度, the form 下载提交文件 opens): the value is read as NFKC (全角 digits
// become ASCII, as the grader reads them) and must match the field's ``pattern`` — the grader's own rule, written
// into the page by courseware/student_field.py. A value that is no 学号 (a name, say) changes nothing: a line
// under the field (the field's ``title``) says what to type instead.
import { el } from "./output.js";

/**
 * The 学号 typed into ``input``: the normalised text, "" for an empty field, or null when it is no 学号 (the field
 * then shows why). ``rule`` is a field that carries the pattern and its message, when ``input`` has none.
 */
export function readStudent(input, rule = input) {
  const value = input.value.normalize("NFKC").trim();
  input.value = value;
  if (rule !== input && rule.pattern) {
    input.pattern = rule.pattern;
    input.dataset.problem = problemOf(rule);
  }
  const ok = !value || input.checkValidity();
  showProblem(input, ok ? "" : problemOf(input));
  return ok ? value : null;
}

// data-problem first: Material's tooltips remove an element's title while it is hovered or focused.
function problemOf(input) {
  return input.dataset.problem || input.title || "";
}

function showProblem(input, text) {
  const label = input.closest("label") || input;
  let note = label.nextElementSibling;
  if (!note || !note.classList.contains("cw-student-error")) {
    if (!text) return;
    note = document.createElement("span");
    note.className = "cw-student-error";
    note.setAttribute("role", "alert");
    note.id = `cw-student-error-${Math.random().toString(36).slice(2)}`;
    label.after(note);
  }
  note.textContent = text;
  note.hidden = !text;
  if (text) {
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", note.id);
  } else {
    input.removeAttribute("aria-invalid");
    input.removeAttribute("aria-describedby");
  }
}

/**
 * 下载提交文件 without a 学号: an inline form in ``widget``'s output asks for it; the data is then made for that
 * 学号 and the download runs on it.
 */
export function askStudent(widget) {
  if (widget.phase === "running" || widget.phase === "loading") return;
  const input = el("input", { type: "text", "data-role": "ask-student", autocomplete: "off", placeholder: "例如 2024001", size: "12" });
  const ok = el("button", { type: "submit", "data-action": "confirm-student" }, "确定并下载");
  const form = el(
    "form",
    { class: "cw-ask-student", "data-role": "ask-student-form" },
    el("label", {}, "下载前请先填写学号：", input),
    ok,
    el("p", { class: "cw-hint", text: "提交文件要用按你的学号生成的数据来计算，文件名也会带上学号。" }),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const value = readStudent(input, widget.root.querySelector("input[data-role=student]") || input);
    if (!value) {
      widget.setStatus("ready", value === "" ? "请先填写学号，再下载提交文件。" : "这不是学号：请按输入框下面的说明改好，再点“确定并下载”。");
      input.focus();
      return;
    }
    ok.disabled = true;
    await window.courseware.setStudent(value);
    form.remove();
    await widget.download();
  });
  widget.output.replaceChildren(form);
  widget.setStatus("ready", "请先填写学号，再下载提交文件。");
  input.focus();
}
