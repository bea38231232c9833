// The exercise widget's status texts (one place for what the status line says).
import { STEPS } from "./runtime.js";

/** Buttons that wait for the runtime (what the status says they will do once it is ready). */
export const WAITING = { run: "运行", check: "检查", download: "下载" };

export const STOPPED_TEXT = "已停止。你的代码都还在，可以修改后再运行。";

// Keyboard hints only where there is a keyboard (a phone's status line says just what it can do)
const KEYBOARD = typeof matchMedia === "function" && matchMedia("(pointer: fine)").matches;
export const STATUS_TEXT = {
  ready: KEYBOARD ? "就绪：可以运行代码（Ctrl+Enter 运行）。" : "就绪：可以运行代码。",
  running: "正在运行……（代码停不下来时按“停止”）",
  passed: "检查通过 ✔",
  failed: "检查未通过，请看下面的提示后修改代码。",
};

/** "（n/N）：step……" of the runtime's start-up, as the status shows it. */
function stepText(step) {
  const index = STEPS.findIndex(([name]) => name === step);
  const label = index >= 0 ? STEPS[index][1] : "准备中";
  return `（${Math.max(index, 0) + 1}/${STEPS.length}）：${label}……`;
}

export function loadingText(step) {
  return `正在准备运行环境${stepText(step)}可以先阅读题目。`;
}

/** After 停止 replaced a worker that was not ready yet: the code is kept, the new Python is still starting. */
export function restartingText(step) {
  return `已停止，你的代码都还在，可以继续修改。正在重新启动运行环境${stepText(step)}完成后就能再运行。`;
}
