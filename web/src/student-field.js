// The 学号 fields (exercise widgets, 我的进度, the form 下载提交文件 opens): the value is read as NFKC (全角 digits
// become ASCII, as the grader reads them) and must match the field's ``pattern`` — the grader's own rule, written
// into the page by courseware/student_field.py. A value that is no 学号 (a name, say) changes nothing: a line
// under the field (the field's ``title``) says what to type instead.

/**
 * The 学号 typed into ``input``: the normalised text, "" for an empty field, or null when it is no 学号 (the field
 * then shows why). ``rule`` is a field that carries the pattern and its message, when ``input`` has none.
 */
export function readStudent(input, rule = input) {
  const value = input.value.normalize("NFKC").trim();
  input.value = value;
  if (rule !== input && rule.pattern) {
    input.pattern = rule.pattern;
    input.title = rule.title;
  }
  const ok = !value || input.checkValidity();
  showProblem(input, ok ? "" : input.title);
  return ok ? value : null;
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
