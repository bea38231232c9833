// 我的进度: the 情景模拟 table (heading + one row per scenario of assets/scenarios.json, in course order).
// Records: localStorage["courseware:v1:scenario:<id>"] = {path, points, max_points, finished, best, timestamp}.
import { el } from "./output.js";
import { loadScenarioRecord } from "./scenario.js";

export function scenarioState(record) {
  if (record && Number.isFinite(record.best)) return "done";
  if (record && record.path && record.path.length) return "started";
  return "todo";
}

function resultText(record, max) {
  const best = record && Number.isFinite(record.best) ? `最好 ${record.best} / ${record.max_points ?? max} 分` : "";
  if (record && !record.finished && record.path && record.path.length) return best ? `进行中（${best}）` : "进行中";
  return best || "未开始";
}

export function loadScenarioList(siteRoot) {
  return fetch(new URL("assets/scenarios.json", siteRoot))
    .then((resp) => (resp.ok ? resp.json() : { scenarios: [] }))
    .then((data) => (Array.isArray(data.scenarios) ? data.scenarios : []))
    .catch(() => []);
}

/** A block that fills itself with the 情景模拟 table once the list has loaded (empty if there are none). */
export function scenarioSection(siteRoot) {
  const box = el("div", { "data-role": "scenario-progress" });
  loadScenarioList(siteRoot).then((scenarios) => {
    if (!scenarios.length) return;
    const rows = scenarios.map((item) => {
      const record = loadScenarioRecord(item.id);
      const title = item.page ? el("a", { href: new URL(item.page, siteRoot).href }, item.title || item.id) : item.title || item.id;
      const when = record?.timestamp ? String(record.timestamp).slice(0, 16).replace("T", " ") : "—";
      return el(
        "tr",
        { "data-scenario": item.id, "data-status": scenarioState(record) },
        el("td", {}, title),
        el("td", { text: resultText(record, item.max_points) }),
        el("td", { text: when }),
      );
    });
    const head = el("tr", {}, ...["情景模拟", "结果", "最近作答"].map((h) => el("th", { text: h })));
    box.replaceChildren(
      el("h2", { text: "情景模拟" }),
      el("div", { class: "cw-progress-wrap" }, el("table", {}, el("thead", {}, head), el("tbody", {}, ...rows))),
    );
  });
  return box;
}
