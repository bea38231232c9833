// Self-check quizzes rendered by courseware/quiz.py: answer in the page, see verdicts and explanations,
// keep the last result in localStorage["courseware:v1:quiz:<id>"] = {answers, correct, total, timestamp}.
// Styles: web/src/quiz.css, pulled into the bundle by an @import in courseware.css.

import { registerMount } from "./mount.js";

const KEY_PREFIX = "courseware:v1:quiz:";

export function quizKey(id) {
  return KEY_PREFIX + id;
}

export function loadQuizRecord(id) {
  try {
    const raw = window.localStorage.getItem(quizKey(id));
    const record = raw ? JSON.parse(raw) : null;
    return record && Array.isArray(record.answers) ? record : null;
  } catch {
    return null; // private mode or a corrupt entry: behave as never answered
  }
}

function saveQuizRecord(id, record) {
  try {
    window.localStorage.setItem(quizKey(id), JSON.stringify(record));
  } catch {
    // storage full or disabled: the quiz still works in the page
  }
}

function questions(root) {
  return Array.from(root.querySelectorAll(".quiz__q"));
}

function chosen(q) {
  return Array.from(q.querySelectorAll("input:checked"))
    .map((input) => input.value)
    .sort();
}

function expected(q) {
  return (q.dataset.answer || "").split(",").filter(Boolean);
}

function sameLetters(a, b) {
  return a.length === b.length && a.every((letter, i) => letter === b[i]);
}

function optionText(q, letter) {
  const input = q.querySelector(`input[value="${letter}"]`);
  const label = input ? input.closest("label") : null;
  return label ? label.textContent.trim() : letter;
}

function verdictText(q, ok) {
  if (ok) return "回答正确。";
  const answer = expected(q);
  if (q.dataset.type === "truefalse") return `回答错误。正确答案：${optionText(q, answer[0])}。`;
  return `回答错误。正确答案：${answer.join("、")}。`;
}

function setInputs(root, answers) {
  questions(root).forEach((q, i) => {
    const picked = new Set(answers[i] || []);
    q.querySelectorAll("input").forEach((input) => {
      input.checked = picked.has(input.value);
    });
  });
}

function showResult(root, answers) {
  let correct = 0;
  questions(root).forEach((q, i) => {
    const ok = sameLetters(answers[i] || [], expected(q));
    if (ok) correct += 1;
    q.dataset.state = ok ? "correct" : "wrong";
    const verdict = q.querySelector('[data-role="verdict"]');
    verdict.textContent = verdictText(q, ok);
    q.querySelector('[data-role="feedback"]').hidden = false;
    q.querySelectorAll("input").forEach((input) => {
      input.disabled = true;
      const label = input.closest("label");
      const isAnswer = expected(q).includes(input.value);
      label.classList.toggle("quiz__option--answer", isAnswer);
      label.classList.toggle("quiz__option--wrong", input.checked && !isAnswer);
    });
  });
  const total = questions(root).length;
  root.dataset.state = "answered";
  root.querySelector('[data-role="score"]').textContent = `答对 ${correct} / ${total} 题`;
  root.querySelector('[data-action="submit"]').hidden = true;
  root.querySelector('[data-action="retry"]').hidden = false;
  return { correct, total };
}

function clearResult(root) {
  questions(root).forEach((q) => {
    delete q.dataset.state;
    q.querySelector('[data-role="feedback"]').hidden = true;
    q.querySelectorAll("input").forEach((input) => {
      input.disabled = false;
      input.checked = false;
      input.closest("label").classList.remove("quiz__option--answer", "quiz__option--wrong");
    });
  });
  delete root.dataset.state;
  root.querySelector('[data-role="score"]').textContent = "";
  root.querySelector('[data-action="submit"]').hidden = false;
  root.querySelector('[data-action="retry"]').hidden = true;
}

function submit(root) {
  const answers = questions(root).map(chosen);
  const missing = answers.map((a, i) => (a.length ? null : i + 1)).filter(Boolean);
  const score = root.querySelector('[data-role="score"]');
  if (missing.length) {
    score.textContent = `请先回答第 ${missing.join("、")} 题。`;
    score.scrollIntoView({ block: "nearest" }); // on a phone the line is below the screen
    return;
  }
  const { correct, total } = showResult(root, answers);
  score.scrollIntoView({ block: "nearest" });
  const record = { answers, correct, total, timestamp: new Date().toISOString() };
  saveQuizRecord(root.dataset.quiz, record);
  window.dispatchEvent(new CustomEvent("courseware:quiz", { detail: { id: root.dataset.quiz, ...record } }));
}

export function initQuiz(root) {
  if (root.dataset.ready) return;
  root.dataset.ready = "1";
  root.querySelector('[data-action="submit"]').addEventListener("click", () => submit(root));
  root.querySelector('[data-action="retry"]').addEventListener("click", () => clearResult(root));
  const record = loadQuizRecord(root.dataset.quiz);
  if (record && record.answers.length === questions(root).length) {
    setInputs(root, record.answers);
    showResult(root, record.answers);
  }
}

// Mounted on every page view (first load and each instant navigation) through the shared registry.
registerMount(".quiz[data-quiz]", initQuiz);

window.courseware = window.courseware || {};
window.courseware.quiz = { key: quizKey, load: loadQuizRecord };
