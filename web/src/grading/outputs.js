// The files the grading page offers (the same as `grader grade` writes), saving one, and the small time
// helpers of its progress line and phase timings.
import { el } from "./results.js";

export const OUTPUTS = [
  ["xlsx", "成绩.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"],
  ["csv", "成绩.csv", "text/csv;charset=utf-8"],
  ["json", "成绩.json", "application/json"],
  ["report", "班级报告.html", "text/html;charset=utf-8"],
  ["feedback", "学生反馈.zip", "application/zip"],
];

/** Seconds since ``clock.at``, then ``clock.at`` moves to now (one phase after another). */
export function lap(clock) {
  const now = performance.now();
  const spent = Math.round(now - clock.at) / 1000;
  clock.at = now;
  return spent;
}

export function minutes(seconds) {
  const s = Math.max(0, Math.round(seconds));
  return s >= 60 ? `${Math.floor(s / 60)} 分 ${s % 60} 秒` : `${s} 秒`;
}

export function download(name, bytes, mime) {
  const url = URL.createObjectURL(new Blob([bytes], { type: mime }));
  const a = el("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
