// 情景模拟 rendered by courseware/scenario.py: the student picks one reply per step, sees its points and the
// reason, and the conversation goes on where the reply leads. The run is kept in
// localStorage["courseware:v1:scenario:<id>"] = {path: [[step, letter], …], points, max_points, finished, best,
// timestamp}; a finished run dispatches a "courseware:scenario" event on window (detail = id + record).
// Styles: web/src/scenario.css (imported by courseware.css).

import { registerMount } from "./mount.js";

const KEY_PREFIX = "courseware:v1:scenario:";
const END = "end";

export function scenarioKey(id) {
  return KEY_PREFIX + id;
}

export function loadScenarioRecord(id) {
  try {
    const record = JSON.parse(window.localStorage.getItem(scenarioKey(id)) || "null");
    return record && Array.isArray(record.path) ? record : null;
  } catch {
    return null; // private mode or a corrupt entry: behave as never played
  }
}

function saveRecord(id, record) {
  try {
    window.localStorage.setItem(scenarioKey(id), JSON.stringify(record));
  } catch {
    // storage full or disabled: the scenario still works in the page
  }
}

class ScenarioPlayer {
  constructor(root) {
    this.root = root;
    this.id = root.dataset.scenario;
    this.max = Number(root.dataset.maxPoints);
    this.log = root.querySelector('[data-role="log"]');
    this.pool = root.querySelector(".scenario__pool");
    this.status = root.querySelector('[data-role="status"]');
    this.end = root.querySelector('[data-role="end"]');
    this.restartButton = root.querySelector('[data-action="restart"]');
    this.steps = new Map([...this.pool.querySelectorAll(".scenario__step")].map((s) => [s.dataset.step, s]));
    root.addEventListener("click", (event) => {
      const button = event.target.closest('[data-action="choose"]');
      if (button && !button.disabled && root.contains(button)) this.choose(button, true);
    });
    this.restartButton.addEventListener("click", () => this.restart(true));
    this.path = [];
    this.points = 0;
    this.finished = false;
    const record = loadScenarioRecord(this.id);
    this.best = record && Number.isFinite(record.best) ? record.best : null;
    this.show(root.dataset.start);
    if (record && !this.replay(record.path)) this.restart();
    this.update();
  }

  /** Re-apply a stored path; false when it no longer fits the scenario (the file was edited). */
  replay(path) {
    for (const [stepId, letter] of path) {
      const step = this.steps.get(stepId);
      const button = step && step.parentElement === this.log ? step.querySelector(`[data-action="choose"][data-choice="${letter}"]`) : null;
      if (!button || button.disabled) return false;
      this.choose(button, false);
    }
    return true;
  }

  show(stepId) {
    const step = this.steps.get(stepId);
    if (!step) return;
    this.log.append(step);
    step.hidden = false;
    return step;
  }

  choose(button, live) {
    const step = button.closest(".scenario__step");
    const points = Number(button.dataset.points);
    const bestHere = Number(step.querySelector('[data-role="feedback"]').dataset.best);
    for (const other of step.querySelectorAll('[data-action="choose"]')) {
      other.disabled = true;
      other.classList.toggle("scenario__choice--picked", other === button);
      other.setAttribute("aria-pressed", other === button ? "true" : "false");
      if (Number(other.dataset.points) === bestHere) other.classList.add("scenario__choice--best");
    }
    const feedback = step.querySelector('[data-role="feedback"]');
    feedback.hidden = false;
    feedback.dataset.state = points === bestHere ? "best" : points > 0 ? "partial" : "poor";
    const verdict = feedback.querySelector('[data-role="verdict"]');
    const bestLetters = [...step.querySelectorAll('[data-action="choose"]')]
      .filter((b) => Number(b.dataset.points) === bestHere)
      .map((b) => b.dataset.choice);
    verdict.textContent =
      points === bestHere
        ? `得 ${points} / ${bestHere} 分：这是最好的回复。`
        : `得 ${points} / ${bestHere} 分。更好的回复是 ${bestLetters.join("、")}。`;
    for (const explain of feedback.querySelectorAll(".scenario__explain")) {
      explain.hidden = explain.dataset.choice !== button.dataset.choice;
    }
    // Said by the status (the live region) too: the focus moves on to the next step, past the verdict.
    const why = feedback.querySelector(`.scenario__explain[data-choice="${button.dataset.choice}"]`);
    this.said = live ? `${verdict.textContent}${why ? why.textContent.trim() : ""}` : "";
    this.path.push([step.dataset.step, button.dataset.choice]);
    this.points += points;
    const next = button.dataset.goto;
    const finished = next === END || !this.steps.has(next);
    if (finished) this.finish();
    else {
      const shown = this.show(next);
      if (live && shown) this.focus(shown);
    }
    if (live) this.save(finished);
    if (live && finished) this.focus(this.end);
    this.update();
  }

  /** Keyboard and screen-reader users continue where the conversation goes on (the old buttons are disabled). */
  focus(element) {
    element.setAttribute("tabindex", "-1");
    element.focus({ preventScroll: true });
    element.scrollIntoView({ behavior: "smooth", block: "nearest" });
  }

  finish() {
    this.finished = true;
    const share = this.max ? this.points / this.max : 0;
    const comment = share >= 0.9 ? "处理得很专业。" : share >= 0.6 ? "基本得体，看看扣分的回复错在哪里。" : "再读一遍每一步的评析，然后重新模拟一次。";
    this.end.querySelector('[data-role="score"]').textContent = `对话结束：得分 ${this.points} / ${this.max}。${comment}`;
    this.end.hidden = false;
  }

  save(finished) {
    if (finished) this.best = Math.max(this.best ?? 0, this.points);
    const record = {
      path: this.path,
      points: this.points,
      max_points: this.max,
      finished,
      best: this.best,
      timestamp: new Date().toISOString(),
    };
    saveRecord(this.id, record);
    if (finished) window.dispatchEvent(new CustomEvent("courseware:scenario", { detail: { id: this.id, ...record } }));
  }

  update() {
    const steps = this.path.length;
    this.root.dataset.state = this.finished ? "finished" : steps ? "playing" : "new";
    this.restartButton.hidden = steps === 0;
    const best = this.best !== null && this.best !== undefined ? `，最好成绩 ${this.best} / ${this.max}` : "";
    const said = this.said ? `${this.said} ` : "";
    this.said = "";
    this.status.textContent = said + (this.finished
      ? `已完成${best}。`
      : steps
        ? `已回复 ${steps} 次，目前得分 ${this.points}${best}。`
        : `满分 ${this.max} 分。读完对方的话，点一条你认为最合适的回复${best}。`);
  }

  restart(live = false) {
    for (const step of this.steps.values()) {
      step.hidden = true;
      this.pool.append(step);
      for (const button of step.querySelectorAll('[data-action="choose"]')) {
        button.disabled = false;
        button.classList.remove("scenario__choice--picked", "scenario__choice--best");
        button.removeAttribute("aria-pressed");
      }
      const feedback = step.querySelector('[data-role="feedback"]');
      feedback.hidden = true;
      delete feedback.dataset.state;
    }
    this.end.hidden = true;
    this.path = [];
    this.points = 0;
    this.finished = false;
    this.show(this.root.dataset.start);
    if (live) this.save(false);
    this.update();
  }
}

export function initScenario(root) {
  if (root.dataset.ready) return;
  root.dataset.ready = "1";
  root.player = new ScenarioPlayer(root);
}

// Bound on every page view, also after Material's instant navigation (web/src/mount.js).
registerMount(".scenario[data-scenario]", initScenario);

window.courseware = window.courseware || {};
window.courseware.scenario = { key: scenarioKey, load: loadScenarioRecord };
