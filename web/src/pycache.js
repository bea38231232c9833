// Bytecode cache across visits (worker side). Pyodide imports pandas, the grader and their dependencies from
// .py sources and compiles every module on every start (a third of `import pandas`). On the first start the
// worker lets CPython write its bytecode under PREFIX (sys.pycache_prefix); once idle it stores those .pyc
// files, marked "unchecked hash" (valid without comparing source timestamps, which change on every unpack),
// in IndexedDB. Later starts restore them before the first import. The key covers everything the bytecode
// depends on: the Pyodide version and lock file, the course bundle's hash and the runtime's own sources; any
// change starts from sources again. Storage may be unavailable (private mode): then nothing is cached.

const PREFIX = "/home/pyodide/.pycache";
const DB_NAME = "courseware-pycache";
const STORE = "pyc";
const ENTRY = "current";

/** FNV-1a over a string: a cache key, not a security measure (crypto.subtle needs a secure context). */
export function fnv1a(text) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

function openDB() {
  return new Promise((resolve, reject) => {
    if (typeof indexedDB === "undefined") return reject(new Error("no IndexedDB"));
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function withStore(mode, fn) {
  return openDB().then(
    (db) =>
      new Promise((resolve, reject) => {
        const tx = db.transaction(STORE, mode);
        const result = fn(tx.objectStore(STORE));
        tx.oncomplete = () => {
          db.close();
          resolve(result.result);
        };
        tx.onerror = tx.onabort = () => {
          db.close();
          reject(tx.error);
        };
      }),
  );
}

/** Restore cached bytecode for ``key``; returns the number of bytes restored (0 when none). */
export async function restorePycache(pyodide, key) {
  let entry = null;
  try {
    entry = await withStore("readonly", (store) => store.get(ENTRY));
  } catch {
    return 0;
  }
  if (!entry || entry.key !== key || !entry.bytes) return 0;
  pyodide.unpackArchive(entry.bytes, "zip", { extractDir: PREFIX });
  return entry.bytes.byteLength;
}

/** Make CPython write bytecode under PREFIX from now on (Pyodide turns writing off by default). */
export function enablePycache(pyodide) {
  pyodide.runPython(`import sys\nsys.pycache_prefix = ${JSON.stringify(PREFIX)}\nsys.dont_write_bytecode = False`);
}

const COLLECT_PY = `
def _courseware_collect_pyc(prefix, out):
    import io, os, zipfile
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        for folder, _dirs, files in os.walk(prefix):
            for name in sorted(files):
                if not name.endswith(".pyc"):
                    continue
                path = os.path.join(folder, name)
                with open(path, "rb") as fh:
                    data = bytearray(fh.read())
                if len(data) < 16:
                    continue
                data[4:8] = (1).to_bytes(4, "little")  # hash-based, check_source off: no timestamp check
                zf.writestr(os.path.relpath(path, prefix), bytes(data))
    with open(out, "wb") as fh:
        fh.write(buf.getvalue())
    return len(buf.getvalue())
`;

/** Store the bytecode written so far under ``key`` (replacing any older entry); returns its size in bytes. */
export async function savePycache(pyodide, key) {
  const out = "/tmp/courseware-pyc.zip";
  pyodide.runPython(COLLECT_PY);
  const fn = pyodide.globals.get("_courseware_collect_pyc");
  let size = 0;
  try {
    size = fn(PREFIX, out);
  } finally {
    fn.destroy();
  }
  const bytes = pyodide.FS.readFile(out);
  pyodide.FS.unlink(out);
  await withStore("readwrite", (store) => store.put({ key, bytes, size, saved: Date.now() }, ENTRY));
  return size;
}
