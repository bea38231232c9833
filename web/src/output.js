// Rendering of run output, tracebacks, DataFrames and per-check feedback (all text escaped).

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function block(kind, title, text) {
  return el("div", { class: `cw-block cw-${kind}` }, title ? el("div", { class: "cw-block-title", text: title }) : null, el("pre", { text }));
}

const ERROR_TITLES = {
  exception: "代码出错了（下面是出错的位置和原因）",
  interrupted: "已停止",
  memory: "内存不足",
  exit: "提前结束",
};

function dataframe(result) {
  // pandas' to_html escapes every cell and header (escape=True); the HTML comes from our own runtime.
  const wrap = el("div", { class: "cw-table-wrap", tabindex: "0" });
  wrap.innerHTML = result.html;
  const shown = Math.min(result.rows, 50);
  const caption =
    result.rows > shown
      ? `result：共 ${result.rows} 行 × ${result.cols} 列（只显示前 ${shown} 行）`
      : `result：共 ${result.rows} 行 × ${result.cols} 列`;
  return el("div", { class: "cw-block cw-result" }, el("div", { class: "cw-block-title", text: caption }), wrap);
}

/** Render the payload of a run (stdout, error, result) into the output element. */
export function renderRun(output, payload) {
  output.replaceChildren();
  if (payload.stdout) output.append(block("stdout", "输出", payload.stdout));
  if (payload.error) {
    output.append(block("error", ERROR_TITLES[payload.error.kind] || "出错了", payload.error.text));
  } else if (payload.result) {
    if (payload.result.kind === "dataframe") output.append(dataframe(payload.result));
    else output.append(block("value", `result（${payload.result.type}）`, payload.result.text));
  } else if (!payload.has_result) {
    output.append(el("p", { class: "cw-hint", text: "代码运行完毕。没有变量 result，所以没有可显示的答案。" }));
  }
}

export function renderMessage(output, kind, text) {
  output.replaceChildren(block(kind, null, text));
}

function checkRow(item) {
  const skipped = Boolean(item.skipped);
  const mark = skipped ? "—" : item.passed ? "✔" : "✘";
  const state = skipped ? "skipped" : item.passed ? "passed" : "failed";
  const points = skipped ? "不计分" : `${fmt(item.points)} / ${fmt(item.max_points)} 分`;
  return el(
    "li",
    { class: `cw-check cw-check-${state}`, "data-check": item.name || "" },
    el("span", { class: "cw-check-mark", "aria-hidden": "true", text: mark }),
    el("span", { class: "cw-check-name", text: item.title || item.name || "" }),
    el("span", { class: "cw-check-points", text: points }),
    item.message ? el("div", { class: "cw-check-message", text: item.message }) : null,
    item.hint && !item.passed ? el("div", { class: "cw-check-hint", text: `提示：${item.hint}` }) : null,
  );
}

// A hidden check tells only that it failed, never which rule (grader's CheckResult.hidden).
function visible(item) {
  if (!item.hidden || item.passed) return item;
  return { ...item, title: "隐藏检查", message: "有一项隐藏检查未通过。", hint: "" };
}

function fmt(n) {
  const x = Number(n);
  return Number.isFinite(x) ? String(Math.round(x * 100) / 100) : "?";
}

/** Render grader.browser.check's dict as a list of checks with points, message and hint. */
export function renderFeedback(feedback, report) {
  feedback.replaceChildren();
  if (!report) return;
  if (report.error) {
    feedback.append(el("div", { class: "cw-block cw-error" }, el("pre", { text: report.error })));
    return;
  }
  const checks = (report.checks || []).map(visible);
  const title = `检查结果：${fmt(report.score)} / ${fmt(report.max_score)} 分`;
  feedback.append(
    el("div", { class: "cw-feedback-title", text: title }),
    el("ul", { class: "cw-checks" }, ...checks.map(checkRow)),
  );
  const notes = report.notes || [];
  if (notes.length) {
    const items = notes.map((n) => el("li", { text: n.deduction ? `${n.message}（扣 ${fmt(n.deduction)} 分）` : n.message }));
    feedback.append(el("div", { class: "cw-notes" }, el("div", { class: "cw-block-title", text: "读取答案时做了这些处理：" }), el("ul", {}, ...items)));
  }
  if (checks.some((c) => c.skipped)) {
    feedback.append(el("p", { class: "cw-hint", text: "标有“—”的检查需要参考答案，只在教师的评分程序中运行。" }));
  }
}
