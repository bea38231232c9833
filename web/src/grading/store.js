// 教师批改: the run kept in IndexedDB, so a reload or a closed tab resumes instead of starting over.
// Store "run" holds one record under "current": {key, files: [{path, mtime, blob}], roster, duplicates,
// items, book, finished}; store "results" holds one graded entry per file under [key, index].
// 清除 deletes both, even when the page is reloaded at once. Storage may be unavailable (private mode): then
// nothing is kept and nothing breaks.

const DB_NAME = "courseware-grading";
const VERSION = 1;

function open() {
  return new Promise((resolve, reject) => {
    if (typeof indexedDB === "undefined") return reject(new Error("no IndexedDB"));
    const req = indexedDB.open(DB_NAME, VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains("run")) db.createObjectStore("run");
      if (!db.objectStoreNames.contains("results")) db.createObjectStore("results");
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

let dbPromise = null;
function db() {
  if (!dbPromise) {
    dbPromise = open();
    dbPromise.catch(() => {
      dbPromise = null;
    });
  }
  return dbPromise;
}

function tx(stores, mode, fn) {
  return db().then(
    (handle) =>
      new Promise((resolve, reject) => {
        const t = handle.transaction(stores, mode);
        let out;
        Promise.resolve(fn(t)).then((v) => {
          out = v;
        });
        t.oncomplete = () => resolve(out);
        t.onerror = t.onabort = () => reject(t.error);
      }),
  );
}

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

// 清除 first writes this mark (localStorage writes are synchronous) and removes it once IndexedDB is cleared:
// a reload right after 清除, before the transaction committed, finishes the clearing instead of resuming.
const CLEARING = "courseware-grading:clearing";

function mark(on) {
  try {
    if (on) localStorage.setItem(CLEARING, "1");
    else localStorage.removeItem(CLEARING);
  } catch {
    // no localStorage (private mode): the transaction alone decides
  }
}

function marked() {
  try {
    return localStorage.getItem(CLEARING) === "1";
  } catch {
    return false;
  }
}

/** The kept run, or null (a 清除 interrupted by a reload is finished first). */
export function loadRun() {
  const cleared = marked() ? clearAll() : Promise.resolve();
  return cleared.then(() =>
    tx(["run"], "readonly", (t) => request(t.objectStore("run").get("current"))).catch(() => null),
  );
}

/** Replace the kept run (a new run drops the old results). */
export function saveRun(run, { fresh = false } = {}) {
  return tx(["run", "results"], "readwrite", (t) => {
    if (fresh) t.objectStore("results").clear();
    t.objectStore("run").put(run, "current");
  }).catch(() => {});
}

/** Graded entries of run ``key``: Map index → entry. */
export function loadResults(key) {
  return tx(["results"], "readonly", (t) =>
    request(t.objectStore("results").getAll(IDBKeyRange.bound([key, 0], [key, Infinity]))),
  )
    .then((rows) => new Map((rows || []).map((row) => [row.index, row.entry])))
    .catch(() => new Map());
}

export function saveResult(key, index, entry) {
  return tx(["results"], "readwrite", (t) => {
    t.objectStore("results").put({ index, entry }, [key, index]);
  }).catch(() => {});
}

/** 清除: forget the run and its results. */
export function clearAll() {
  mark(true);
  return tx(["run", "results"], "readwrite", (t) => {
    t.objectStore("run").clear();
    t.objectStore("results").clear();
  })
    .then(() => mark(false))
    .catch(() => {});
}
