// Service worker of the course site (bundled by web/sw-build.mjs; the precache list is injected at build time).
//
// - Precaches every file of the built site (pages, theme, Pyodide, wheels, data, Python bundle) under
//   revisioned keys, so after one visit the course and its exercises work with the server gone. A new build has
//   a new list: changed files are fetched again, the others are kept, outdated entries and caches are removed.
// - Adds the cross-origin isolation headers (COOP/COEP/CORP) to same-origin pages and worker scripts, as
//   coi-serviceworker does, so a page it controls is `crossOriginIsolated` on any static host and Pyodide's
//   interrupt buffer works. Other same-origin files need no header under COEP and are answered with the cached
//   response itself: a copy (new Response) would lose Chromium's code cache, which keeps the compiled
//   pyodide.asm.wasm and pyodide.asm.js beside the Cache Storage entry (without it every start compiles again).
import { clientsClaim } from "workbox-core";
import { addPlugins, cleanupOutdatedCaches, matchPrecache, precacheAndRoute } from "workbox-precaching";
import { registerRoute, setCatchHandler } from "workbox-routing";
import { NetworkOnly } from "workbox-strategies";

const ISOLATION_HEADERS = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
  "Cross-Origin-Resource-Policy": "same-origin",
};

const sameOrigin = (url) => new URL(url, self.location.href).origin === self.location.origin;

/** The requests whose responses carry the isolation headers: this site's pages and worker scripts. */
export function needsIsolation(request) {
  return (
    sameOrigin(request.url) &&
    (request.mode === "navigate" || request.destination === "worker" || request.destination === "sharedworker")
  );
}

// A copy of a same-origin response with the isolation headers; opaque responses cannot (and need not) be changed.
export function isolate(response) {
  if (!response || response.type === "opaque" || response.type === "opaqueredirect" || response.status === 0) {
    return response;
  }
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(ISOLATION_HEADERS)) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

const isolationPlugin = {
  handlerWillRespond: async ({ request, response }) => (needsIsolation(request) ? isolate(response) : response),
};

// Workbox fetches revisioned entries with cache: "reload", i.e. it downloads again what the page has just
// loaded. "no-cache" asks the server instead: an unchanged file costs a 304, a changed one is downloaded.
const revalidatePlugin = {
  requestWillFetch: async ({ request, event }) =>
    event && event.type === "install" ? new Request(request, { cache: "no-cache" }) : request,
};

self.skipWaiting();
clientsClaim();
cleanupOutdatedCaches();
addPlugins([isolationPlugin, revalidatePlugin]);
precacheAndRoute(self.__WB_MANIFEST, {
  directoryIndex: "index.html",
  // Material adds ?h=<search term> to result links; no file of this site depends on a query string.
  ignoreURLParametersMatching: [/.*/],
});

// Anything else from this site (a file added after the build, a missing page) goes to the network, isolated too.
registerRoute(({ url }) => url.origin === self.location.origin, new NetworkOnly({ plugins: [isolationPlugin] }));

// Offline and not precached: a page gets the site's own 404 page, anything else a network error.
setCatchHandler(async ({ request }) => {
  if (request.mode === "navigate") {
    const page = await matchPrecache("404.html");
    if (page) return isolate(page);
  }
  return Response.error();
});
