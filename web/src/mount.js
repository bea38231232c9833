// One mount mechanism for every page component, made for Material's instant navigation.
//
// With `navigation.instant` the page content is swapped without a reload: scripts run once per tab and
// DOMContentLoaded fires once. Components register here instead of scanning the DOM at import time:
//
//   registerMount(".quiz[data-quiz]", (el, ctx) => { …bind…; return () => { …cleanup… } });
//   onPageView((ctx) => { …page-wide work… });
//
// On every page view (the first load and each instant navigation, i.e. each emission of Material's
// `document$`), the cleanups of the previous page run, then every registered selector is matched in the new
// document and its function is called once per element (a WeakSet guards against double binding), in
// registration order, then the page-view hooks run. `ctx` is shared (see setMountContext in main.js).

const mounts = [];
const pageHooks = [];
const bound = new WeakSet();
let cleanups = [];
let started = false;
let views = 0;
export const mountContext = {};

function mountIn(entry) {
  for (const element of document.querySelectorAll(entry.selector)) {
    if (bound.has(element)) continue;
    bound.add(element);
    try {
      const cleanup = entry.fn(element, mountContext);
      if (typeof cleanup === "function") cleanups.push(cleanup);
    } catch (err) {
      console.error(`mount ${entry.selector}:`, err); // one broken component must not stop the others
    }
  }
}

function runHook(fn) {
  try {
    const cleanup = fn(mountContext);
    if (typeof cleanup === "function") cleanups.push(cleanup);
  } catch (err) {
    console.error("page view hook:", err);
  }
}

/** Call ``fn(element, ctx)`` once for each element matching ``selector`` on every page view. */
export function registerMount(selector, fn) {
  const entry = { selector, fn };
  mounts.push(entry);
  if (started) mountIn(entry);
}

/** Call ``fn(ctx)`` on every page view (may return a cleanup function). */
export function onPageView(fn) {
  pageHooks.push(fn);
  if (started) runHook(fn);
}

/** Number of page views so far in this tab (1 after the first load). */
export function pageViews() {
  return views;
}

function pageView() {
  for (const cleanup of cleanups.splice(0)) {
    try {
      cleanup();
    } catch (err) {
      console.error("cleanup:", err);
    }
  }
  started = true;
  views += 1;
  for (const entry of mounts) mountIn(entry);
  for (const fn of pageHooks) runHook(fn);
}

/**
 * Start mounting: on each `document$` emission (Material), else once the DOM is parsed. The script may be loaded
 * `async` and so run before Material's bundle has defined `document$`: then wait for DOMContentLoaded, by which
 * time the bundle has run (its own DOMContentLoaded listener emits the first page afterwards).
 */
export function startMounts() {
  const subscribe = () => {
    if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(() => pageView());
    else pageView(); // not a Material page: a single page view
  };
  if (window.document$ || document.readyState !== "loading") subscribe();
  else document.addEventListener("DOMContentLoaded", subscribe, { once: true });
}
