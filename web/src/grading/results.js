// 教师批改: the class table (sortable, paged for large classes) and one student's details, drawn from the
// gradebook JSON (the same object `grader grade --json` writes). Nothing here grades or decides policy.

const PAGE_SIZE = 50;
const STATE_LABELS = { graded: "已评分", error: "无法评分", duplicate: "重复提交（未计分）", missing: "未提交" };
const FLAGS = ["疑似抄袭", "重复提交", "未提交", "名单外", "无法评分"];

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function fmt(points) {
  if (points === null || points === undefined) return "";
  return Number.isInteger(points) ? String(points) : Number(points).toFixed(2).replace(/0$/, "");
}

/** One row per 学号: per-exercise score (or state), total of counted scores, flags. */
export function classRows(book) {
  const exercises = Object.keys(book.titles || {}).sort();
  const rows = new Map();
  for (const r of book.results) {
    const id = r.student || "（无学号）";
    if (!rows.has(id)) {
      rows.set(id, { order: rows.size + 1, student: id, name: (book.names || {})[id] || "", cells: {}, total: 0, max: 0, flags: new Set(), files: [] });
    }
    const row = rows.get(id);
    row.files.push(r);
    if (r.flags && r.flags.some((f) => f.includes("疑似抄袭"))) row.flags.add("疑似抄袭");
    if (r.state === "duplicate") row.flags.add("重复提交");
    if (r.state === "missing") row.flags.add("未提交");
    if (r.off_roster) row.flags.add("名单外");
    if (r.state === "error") row.flags.add("无法评分");
    if (!r.exercise) continue;
    const cell = row.cells[r.exercise];
    if (r.counted && r.state === "graded") {
      row.cells[r.exercise] = { score: r.score, max: r.max_score, state: "graded" };
    } else if (!cell || (cell.state !== "graded" && r.state !== "duplicate")) {
      row.cells[r.exercise] = { score: null, max: r.max_score, state: r.state };
    }
  }
  for (const row of rows.values()) {
    for (const ex of exercises) {
      const cell = row.cells[ex];
      if (cell && cell.state === "graded") row.total += cell.score;
      if (cell) row.max += cell.max || 0;
    }
    row.total = Math.round(row.total * 100) / 100;
  }
  return { exercises, rows: [...rows.values()] };
}

function sortRows(rows, key, dir) {
  const value = (row) => {
    if (key === "order") return row.order;
    if (key === "student") return row.student;
    if (key === "name") return row.name;
    if (key === "total") return row.total;
    if (key === "flags") return row.flags.size;
    const cell = row.cells[key];
    return cell && cell.state === "graded" ? cell.score : -1;
  };
  return [...rows].sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    const c = typeof va === "string" ? va.localeCompare(vb, "zh-CN") : va - vb; // names in pinyin order, any browser language
    return (c || a.student.localeCompare(b.student)) * dir;
  });
}

/** The class table in ``root``; click a row → ``onSelect(row)``. Returns {rows, exercises}. */
export function renderTable(root, book, onSelect) {
  const { exercises, rows } = classRows(book);
  // With a roster the gradebook lists its students in the roster's order: 序号 keeps that order (the default)
  const rostered = Boolean(book.policy && book.policy.roster);
  const state = { key: rostered ? "order" : "student", dir: 1, page: 0 };
  const table = el("table", { class: "grading-table", "data-role": "class-table" });
  const pager = el("p", { class: "grading-pager", "data-role": "pager" });
  const named = rows.some((row) => row.name); // the roster had a 姓名 column
  const columns = [...(rostered ? [["order", "序号"]] : []), ["student", "学号"], ...(named ? [["name", "姓名"]] : []), ...exercises.map((ex) => [ex, book.titles[ex] || ex]), ["total", "总分"], ["flags", "标记"]];

  function draw(focus) {
    const sorted = sortRows(rows, state.key, state.dir);
    const pages = Math.max(1, Math.ceil(sorted.length / PAGE_SIZE));
    state.page = Math.min(state.page, pages - 1);
    const shown = sorted.slice(state.page * PAGE_SIZE, (state.page + 1) * PAGE_SIZE);
    const head = el("tr", {}, columns.map(([key, label]) => {
      const sort = state.key === key ? (state.dir > 0 ? "ascending" : "descending") : "none";
      return el("th", { scope: "col", "aria-sort": sort },
        el("button", { type: "button", "data-sort": key, onclick: () => {
          state.dir = state.key === key ? -state.dir : ["order", "student", "name"].includes(key) ? 1 : -1;
          state.key = key;
          draw();
        } }, label, sort === "none" ? "" : sort === "ascending" ? " ▲" : " ▼"));
    }));
    const body = shown.map((row) =>
      el("tr", { "data-student": row.student, tabindex: 0, onclick: () => onSelect(row),
        onkeydown: (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); onSelect(row); } } },
        rostered ? el("td", { class: "grading-order" }, String(row.order)) : "",
        el("th", { scope: "row" }, row.student),
        named ? el("td", { class: "grading-name" }, row.name) : "",
        exercises.map((ex) => {
          const cell = row.cells[ex];
          if (!cell) return el("td", { class: "grading-none" }, "—");
          if (cell.state === "graded") {
            const full = cell.score >= cell.max && cell.max > 0;
            return el("td", { class: full ? "grading-full" : "", "data-exercise": ex }, fmt(cell.score));
          }
          return el("td", { class: `grading-${cell.state}`, "data-exercise": ex }, STATE_LABELS[cell.state] || cell.state);
        }),
        el("td", { class: "grading-total" }, fmt(row.total)),
        el("td", {}, FLAGS.filter((f) => row.flags.has(f)).map((f) => el("span", { class: "grading-flag", "data-flag": f }, f))),
      ),
    );
    table.replaceChildren(el("thead", {}, head), el("tbody", {}, body));
    pager.replaceChildren(
      el("span", {}, `共 ${rows.length} 名学生`),
      pages > 1 ? el("span", { class: "grading-pages" },
        el("button", { type: "button", class: "md-button", "data-action": "prev-page", disabled: state.page === 0,
          onclick: () => { state.page -= 1; draw("prev-page"); } }, "上一页"),
        ` 第 ${state.page + 1} / ${pages} 页 `,
        el("button", { type: "button", class: "md-button", "data-action": "next-page", disabled: state.page >= pages - 1,
          onclick: () => { state.page += 1; draw("next-page"); } }, "下一页")) : "",
    );
    // The pressed page button is redrawn: keep the keyboard's place on it (or on the other one at the last page)
    if (focus) (pager.querySelector(`[data-action=${focus}]:not(:disabled)`) || pager.querySelector("button:not(:disabled)"))?.focus();
  }
  draw();
  root.replaceChildren(el("div", { class: "grading-table-wrap" }, table), pager);
  return { rows, exercises };
}

/** Everything about one student: each file with its state, score, checks (details, hints), notes. */
const SHOWN_DETAILS = 5;

function detailList(details) {
  if (!details.length) return "";
  const first = el("ul", {}, details.slice(0, SHOWN_DETAILS).map((d) => el("li", {}, d)));
  if (details.length <= SHOWN_DETAILS) return first;
  const rest = details.slice(SHOWN_DETAILS);
  // The grader caps the list; its last line then says how many more there are ("……另有 23 处问题").
  const more = /另有\s*(\d+)\s*处/.exec(rest[rest.length - 1]);
  const hidden = more ? rest.length - 1 + Number(more[1]) : rest.length;
  return el("div", {}, first, el("details", { class: "grading-more" }, el("summary", {}, `还有 ${hidden} 处`),
    el("ul", {}, rest.map((d) => el("li", {}, d)))));
}

/** The file that counts first, then the others (duplicates, ungradable, 未提交), each group by exercise. */
function fileOrder(r) {
  return [r.counted && r.state === "graded" ? 0 : r.state === "missing" ? 2 : 1, r.exercise || "", r.file];
}

export function renderDetails(root, row, book) {
  const ordered = [...row.files].sort((a, b) => {
    const ka = fileOrder(a);
    const kb = fileOrder(b);
    return ka[0] - kb[0] || ka[1].localeCompare(kb[1]) || ka[2].localeCompare(kb[2]);
  });
  const files = ordered.map((r) => {
    const title = (book.titles || {})[r.exercise] || r.exercise || "（未认出练习）";
    const head = el("h4", {}, `${title}：${STATE_LABELS[r.state] || r.state}`,
      r.state === "graded" || r.state === "duplicate" ? `　${fmt(r.score)} / ${fmt(r.max_score)} 分` : "");
    const parts = [head];
    if (r.file) parts.push(el("p", { class: "grading-file" }, `文件：${r.file}`));
    if (r.error && r.state !== "missing") parts.push(el("p", { class: "grading-error" }, r.error)); // 未提交 is in the heading
    for (const text of [r.policy_note, ...(r.flags || []), r.off_roster ? "名单外：这个学号不在名单上" : ""]) {
      if (text) parts.push(el("p", { class: "grading-mark" }, text));
    }
    if (r.checks && r.checks.length) {
      parts.push(el("ul", { class: "grading-checks" }, r.checks.map((c) =>
        el("li", { class: c.passed ? "grading-check-passed" : "grading-check-failed" },
          el("b", {}, `${c.passed ? "✓" : "✗"} ${c.name}（${fmt(c.points)} / ${fmt(c.max_points)}）`), " ", c.message,
          detailList(c.details || []),
          c.hint ? el("p", { class: "grading-hint" }, `提示：${c.hint}`) : ""))));
    }
    if (r.notes && r.notes.length) parts.push(el("ul", { class: "grading-notes" }, r.notes.map((n) => el("li", {}, n))));
    return el("section", { class: "grading-file-card", "data-file": r.file }, parts);
  });
  // Keyboard: the details take the focus when opened (Enter on a row); Esc or 关闭 hides them and gives the
  // focus back to the row.
  const back = document.activeElement;
  const close = () => {
    const inside = root.contains(document.activeElement);
    root.hidden = true;
    if (inside && back && back.isConnected) back.focus();
  };
  root.onkeydown = (e) => { if (e.key === "Escape") close(); };
  root.tabIndex = -1;
  const who = row.name ? `${row.name}（学号 ${row.student}）` : `学号 ${row.student}`;
  root.setAttribute("aria-label", `${who} 的批改详情`);
  root.replaceChildren(
    el("h3", {}, who, el("button", { type: "button", class: "md-button", "data-action": "close-details",
      onclick: close, title: "关闭（Esc）" }, "关闭")),
    ...files,
  );
  root.hidden = false;
  root.scrollIntoView({ block: "nearest" });
  root.focus({ preventScroll: true });
}

export { el, STATE_LABELS };

/** The finished run's line: the counts the CLI's summary gives. */
export function doneText(s) {
  const extra = [s.off_roster ? `${s.off_roster} 人名单外` : "", s.flagged ? `${s.flagged} 份疑似抄袭` : ""].filter(Boolean);
  return `批改完成：${s.files} 个文件，${s.graded} 个计分，${s.errors} 个无法评分，${s.duplicates} 个重复提交，${s.missing} 项未提交`
    + `${extra.length ? `；${extra.join("，")}` : ""}。`;
}
