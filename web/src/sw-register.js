// Page side of offline use (imported once by main.js; runs once per tab):
// - opened from file:// → every exercise says in Chinese how to open the course instead (no spinner forever);
// - otherwise registers the site's service worker (sw.js at the site root, written by web/sw-build.mjs) once
//   the page's own start-up is done, so its precache download does not compete with the first start;
// - when the service worker first takes control of a tab that is not cross-origin isolated, reloads it once (per
//   tab) at a quiet moment on a page with an exercise: the reloaded page gets COOP/COEP from the service worker
//   and Pyodide's interrupt buffer works (cheap 停止) on any static host.

export const FILE_MESSAGE =
  "这个页面是直接从文件打开的（地址以 file:// 开头），浏览器不允许这样运行练习。" +
  "请通过网址打开课程：老师在课程文件夹里运行 make serve，再打开 http://127.0.0.1:8000/" +
  "（只有 site 文件夹时，在其中运行 python3 -m http.server 8000，打开同一地址）。";

const RELOAD_KEY = "courseware:sw-isolation-reload";
const IDLE_RETRY_MS = 2000;
const BLOCKED_ACTIONS = ["run", "check", "solution", "download", "stop"];

function scriptURL() {
  if (document.currentScript && document.currentScript.src) return document.currentScript.src;
  const tag = document.querySelector('script[src*="assets/courseware/courseware.js"]');
  return tag ? tag.src : new URL("assets/courseware/courseware.js", location.href).href;
}

const SITE_ROOT = new URL("../../", scriptURL());
export const SW_URL = new URL("sw.js", SITE_ROOT);

// --- file:// ---------------------------------------------------------------------------------------------

function showFileMessage(root) {
  const status = root.querySelector("[data-role=status]");
  if (status && (status.textContent !== FILE_MESSAGE || status.dataset.state !== "error")) {
    status.textContent = FILE_MESSAGE;
    status.dataset.state = "error";
  }
  if (root.dataset.state !== "error") root.dataset.state = "error";
  for (const action of BLOCKED_ACTIONS) {
    for (const button of root.querySelectorAll(`[data-action=${action}]`)) button.disabled = true;
  }
}

function guardFromFile() {
  const apply = () => document.querySelectorAll(".exercise[data-exercise]").forEach(showFileMessage);
  apply();
  // Whatever else runs on the page (or swaps its content) must not replace the message with a spinner.
  new MutationObserver(apply).observe(document.body, {
    subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ["data-state"],
  });
}

// --- service worker --------------------------------------------------------------------------------------

function busy() {
  if (document.querySelector(".exercise[data-state=running]")) return true;
  const active = document.activeElement;
  return Boolean(active && active.closest && active.closest(".exercise"));
}

// Isolation only matters where Python runs: a page without an exercise is left alone (a later page of the tab
// that has one, reached by instant navigation, is reloaded then).
const holdsExercise = () => Boolean(document.querySelector(".exercise[data-exercise]"));

function reloadOnceForIsolation() {
  if (window.crossOriginIsolated) return;
  try {
    if (sessionStorage.getItem(RELOAD_KEY)) return;
  } catch {
    return; // no sessionStorage: never risk a reload loop
  }
  const attempt = () => {
    if (!holdsExercise() || busy()) {
      setTimeout(attempt, IDLE_RETRY_MS);
      return;
    }
    sessionStorage.setItem(RELOAD_KEY, String(Date.now()));
    location.reload();
  };
  attempt();
}

function pageStarted() {
  const loaded = document.readyState === "complete"
    ? Promise.resolve()
    : new Promise((resolve) => window.addEventListener("load", resolve, { once: true }));
  return loaded.then(() => Promise.resolve(window.courseware && window.courseware.ready).catch(() => null));
}

export function registerServiceWorker() {
  if (!("serviceWorker" in navigator) || !window.isSecureContext) return Promise.resolve(null);
  const hadController = Boolean(navigator.serviceWorker.controller);
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (!hadController) reloadOnceForIsolation();
  });
  return pageStarted()
    .then(() => navigator.serviceWorker.register(SW_URL.href, { scope: SITE_ROOT.href }))
    .then((registration) => {
      // A new build is found on the next page load, not only when the browser gets round to checking.
      if (hadController) registration.update().catch(() => {});
      return registration;
    })
    .catch((err) => {
      console.warn("离线缓存（service worker）未能启用：", err);
      return null;
    });
}

if (location.protocol === "file:") {
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", guardFromFile, { once: true });
  else guardFromFile();
} else {
  registerServiceWorker();
}
