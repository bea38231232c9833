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
  exception: "代码出错了",
  interrupted: "已停止",
  memory: "内存不足",
  exit: "提前结束",
};

/** Tables longer than this start collapsed after 检查 (the feedback is what matters then). */
const COLLAPSE_ROWS = 10;

// pandas' to_html escapes every cell and header (escape=True); the HTML comes from our own runtime.
function alignColumns(wrap, numeric) {
  if (!Array.isArray(numeric)) return;
  for (const row of wrap.querySelectorAll("tbody tr")) {
    const cells = row.querySelectorAll("td");
    // A truncated wide table has one "..." column in the middle that is not in ``numeric``.
    const flags = cells.length === numeric.length + 1
      ? [...numeric.slice(0, numeric.length / 2), false, ...numeric.slice(numeric.length / 2)]
      : numeric;
    cells.forEach((cell, i) => cell.classList.add(flags[i] ? "cw-num" : "cw-text"));
  }
}

function shape(chunk) {
  const base = `共 ${chunk.rows} 行 × ${chunk.cols} 列`;
  return chunk.truncated && chunk.rows > 20 ? `${base}（显示前 10 行和后 10 行）` : base;
}

/** A DataFrame/Series as a table block; long ones sit in a <details> that ``collapsed`` closes. */
function tableBlock(chunk, label, { collapsed = false } = {}) {
  const wrap = el("div", { class: "cw-table-wrap", tabindex: "0", role: "region", "aria-label": `${label}${shape(chunk)}` });
  wrap.innerHTML = chunk.html;
  alignColumns(wrap, chunk.numeric);
  // pandas leaves the index header (top-left) empty: a screen reader would read a nameless column
  for (const th of wrap.querySelectorAll("thead th")) {
    if (!th.textContent.trim()) th.append(el("span", { class: "cw-sr-only", text: "索引" }));
  }
  const caption = `${label}${shape(chunk)}`;
  if (chunk.rows <= COLLAPSE_ROWS) {
    return el("div", { class: "cw-block cw-table" }, el("div", { class: "cw-block-title", text: caption }), wrap);
  }
  return el(
    "details",
    { class: "cw-block cw-table", open: !collapsed },
    el("summary", { class: "cw-block-title", text: caption }),
    wrap,
  );
}

/** The Chinese explanation of an error or warning: title, what to do, the line, and 详细信息 (traceback). */
function explanation(kind, info, traceback, full) {
  const box = el("div", { class: `cw-block cw-explain cw-${kind}`, "data-role": kind === "error" ? "error" : "warning" });
  box.append(el("div", { class: "cw-explain-title", text: info.title }));
  if (info.source) {
    // The title names the line already ("第 7 行：…"); the code keeps its indentation (an indentation error is in it).
    const label = info.title && info.title.includes(`第 ${info.line} 行`) ? "这一行：" : `第 ${info.line} 行：`;
    box.append(el("div", { class: "cw-explain-source" }, el("span", { text: label }), el("code", { text: info.source.trimEnd() })));
  }
  if (info.lines && info.lines.length) box.append(el("ul", { class: "cw-explain-lines" }, ...info.lines.map((t) => el("li", { text: t }))));
  if (traceback) {
    const more = el("details", { class: "cw-explain-details" }, el("summary", { text: "详细信息" }), el("pre", { text: traceback }));
    if (full && full !== traceback) {
      more.append(el("details", {}, el("summary", { text: "完整的 Python 报错（含 pandas 内部）" }), el("pre", { text: full })));
    }
    box.append(more);
  }
  return box;
}

function outputChunks(payload, options) {
  const chunks = Array.isArray(payload.outputs) ? payload.outputs : payload.stdout ? [{ kind: "text", text: payload.stdout }] : [];
  if (!chunks.length) return null;
  const box = el("div", { class: "cw-block cw-stdout" }, el("div", { class: "cw-block-title", text: "输出" }));
  for (const chunk of chunks) {
    if (chunk.kind === "table") box.append(tableBlock(chunk, chunk.series ? "一列数据（Series）：" : "表格：", options));
    else if (chunk.kind === "warning") box.append(explanation("warning", chunk, null, null));
    else box.append(el("pre", { class: chunk.kind === "value" ? "cw-value" : null, text: chunk.text }));
  }
  return box;
}

/**
 * Render the payload of a run (output chunks, error, result) into the output element.
 * ``options.collapsed`` (after 检查) closes long tables so the feedback above stays in view.
 */
export function renderRun(output, payload, options = {}) {
  output.replaceChildren();
  const printed = outputChunks(payload, options);
  if (printed) output.append(printed);
  if (payload.error) {
    const err = payload.error;
    if (err.explain) output.append(explanation("error", err.explain, err.text, err.full));
    else output.append(block("error", ERROR_TITLES[err.kind] || "出错了", err.text));
  } else if (payload.result) {
    if (payload.result.kind === "dataframe") output.append(tableBlock(payload.result, "result：", options));
    else output.append(block("value", `result（${payload.result.type}）`, payload.result.text));
  } else if (!payload.has_result) {
    output.append(el("p", { class: "cw-hint", text: "代码运行完毕。没有变量 result，所以没有可显示的答案。" }));
  }
}

/** The line of the student's code an error points at (1-based), or null. */
export function errorLine(payload) {
  const line = payload && payload.error && payload.error.explain ? Number(payload.error.explain.line) : NaN;
  return Number.isInteger(line) && line > 0 ? line : null;
}

export function renderMessage(output, kind, text) {
  output.replaceChildren(block(kind, null, text));
}

/** Detail lines shown at once; the rest sit behind "还有 N 行". */
const DETAILS_SHOWN = 5;

function detailList(details) {
  if (!details || !details.length) return null;
  const items = (lines) => lines.map((t) => el("li", { text: t }));
  const box = el("div", { class: "cw-check-details" }, el("ul", {}, ...items(details.slice(0, DETAILS_SHOWN))));
  const rest = details.slice(DETAILS_SHOWN);
  if (rest.length) {
    // The grader caps the list; its last line then says how many more there are ("……另有 85 处问题").
    const more = /另有\s*(\d+)\s*处/.exec(rest[rest.length - 1]);
    const hidden = more ? rest.length - 1 + Number(more[1]) : rest.length;
    box.append(el("details", { class: "cw-check-more" }, el("summary", { text: `还有 ${hidden} 行` }), el("ul", {}, ...items(rest))));
  }
  return box;
}

function checkRow(item, shownHints) {
  const skipped = Boolean(item.skipped);
  const mark = skipped ? "—" : item.passed ? "✔" : "✘";
  const state = skipped ? "skipped" : item.passed ? "passed" : "failed";
  const points = skipped ? "不计分" : `${fmt(item.points)} / ${fmt(item.max_points)} 分`;
  const failed = state === "failed";
  return el(
    "li",
    { class: `cw-check cw-check-${state}`, "data-check": item.name || "", tabindex: failed ? "-1" : null },
    el("span", { class: "cw-check-mark", "aria-hidden": "true", text: mark }),
    el("span", { class: "cw-sr-only", text: skipped ? "（不计分）" : item.passed ? "通过：" : "未通过：" }),
    el("span", { class: "cw-check-name", text: item.title || item.name || "" }),
    el("span", { class: "cw-check-points", text: points }),
    item.message ? el("div", { class: "cw-check-message", text: item.message }) : null,
    failed ? detailList(item.details) : null,
    failed && item.hint ? hintLine(item.hint, shownHints) : null,
  );
}

// Several checks failing for one cause often carry the same hint: say it once, then "同上".
function hintLine(hint, shownHints) {
  const again = shownHints.has(hint);
  shownHints.add(hint);
  return el("div", { class: "cw-check-hint", text: again ? "提示：同上" : `提示：${hint}` });
}

// A hidden check tells only that it failed, never which rule (grader's CheckResult.hidden).
function visible(item) {
  if (!item.hidden || item.passed) return item;
  return { ...item, title: "隐藏检查", message: "有一项隐藏检查未通过。", hint: "", details: [] };
}

function fmt(n) {
  const x = Number(n);
  return Number.isFinite(x) ? String(Math.round(x * 100) / 100) : "?";
}

/** Render grader.browser.check's dict (checks with points, message, detail lines, hint); returns the first failed check. */
export function renderFeedback(feedback, report) {
  feedback.replaceChildren();
  if (!report) return null;
  if (report.error) {
    feedback.append(el("div", { class: "cw-block cw-error" }, el("pre", { text: report.error })));
    return null;
  }
  const checks = (report.checks || []).map(visible);
  const title = `检查结果：${fmt(report.score)} / ${fmt(report.max_score)} 分`;
  const shownHints = new Set();
  const list = el("ul", { class: "cw-checks" }, ...checks.map((c) => checkRow(c, shownHints)));
  feedback.append(el("div", { class: "cw-feedback-title", text: title }));
  const notes = report.notes || [];
  const failed = checks.some((c) => !c.passed && !c.skipped);
  if (notes.length) {
    // A note often explains the failures below (a Series turned into a table, a column missing): read it first then.
    const items = notes.map((n) => el("li", { text: n.deduction ? `${n.message}（扣 ${fmt(n.deduction)} 分）` : n.message }));
    const block = el("div", { class: "cw-notes" }, el("div", { class: "cw-block-title", text: "读取答案时做了这些处理：" }), el("ul", {}, ...items));
    feedback.append(...(failed ? [block, list] : [list, block]));
  } else feedback.append(list);
  if (checks.some((c) => c.skipped)) {
    feedback.append(el("p", { class: "cw-hint", text: "标有“—”的检查需要参考答案，只在教师的评分程序中运行。" }));
  }
  return feedback.querySelector("li.cw-check-failed");
}
