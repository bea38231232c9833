// Home page (courseware/landing.py renders the cards from the nav): each 项目 card shows how much of its practice
// is done, by the same rule as 我的进度 (course.js DONE: exercise passed, quiz answered, scenario finished) —
// and 开始学习 becomes 继续学习 pointing at the first unfinished item in course order.
import { DONE } from "./course.js";
import { registerMount } from "./mount.js";

const KIND_NAMES = { exercise: "练习", quiz: "自测题", scenario: "情景模拟" };
// Card item kinds → the lists of course.js, whose DONE says once what "done" means for each kind.
const KIND_LISTS = { exercise: "exercises", quiz: "quizzes", scenario: "scenarios" };

function isDone(kind, id) {
  const rule = DONE[KIND_LISTS[kind]];
  return rule ? rule({ id }) : false;
}

/** The card's items: "kind:id@page" separated by spaces (page relative to the site root). */
function parseItems(card) {
  const num = card.querySelector(".cw-card__num")?.textContent.trim() || "";
  const title = card.querySelector(".cw-card__title")?.textContent.trim() || "";
  const project = num ? `${num} ${title.slice(num.length)}` : title;
  return (card.dataset.items || "")
    .split(/\s+/)
    .filter(Boolean)
    .map((entry) => {
      const [head, page = ""] = entry.split("@");
      const [kind, id] = head.split(":");
      return { kind, id, page, project, done: isDone(kind, id) };
    });
}

function fillCard(card, items) {
  const done = items.filter((item) => item.done).length;
  const percent = items.length ? Math.round((done / items.length) * 100) : 0;
  const bar = card.querySelector(".cw-bar");
  bar.setAttribute("aria-valuenow", String(percent));
  card.querySelector(".cw-bar__fill").style.width = `${percent}%`;
  const label = card.querySelector('[data-role="card-done"]');
  if (!items.length) label.textContent = "阅读与讨论";
  else if (done === 0) label.textContent = `还没有开始 · 共 ${items.length} 项`;
  else if (done === items.length) label.textContent = `全部完成 · ${done} / ${items.length} 项`;
  else label.textContent = `已完成 ${done} / ${items.length} 项`;
  card.dataset.state = !items.length || done === 0 ? "todo" : done === items.length ? "done" : "started";
}

function mountHome(root, ctx) {
  const cards = [...root.querySelectorAll(".cw-card")];
  const all = cards.flatMap((card) => {
    const items = parseItems(card);
    fillCard(card, items);
    return items;
  });
  const start = document.querySelector('[data-role="start"]');
  const note = document.querySelector('[data-role="start-note"]');
  const next = all.find((item) => !item.done);
  if (start && all.some((item) => item.done) && next) {
    start.textContent = "继续学习";
    start.href = new URL(next.page, ctx.siteRoot).href;
    if (note) note.textContent = `下一项：${next.project} 的${KIND_NAMES[next.kind] || "内容"}`;
  } else if (note && all.length && !next) {
    note.textContent = "全部练习、自测题和情景模拟都完成了！";
  }
}

// The cards live in the article; the start button sits above them on the same page.
registerMount(".cw-cards", mountHome);
