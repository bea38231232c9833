// Bytecode cache across visits (worker side). Pyodide ships .py sources only and compiles every module it imports on
// every start: the standard library's (from its zip: Pyodide's own start-up, asyncio, typing, inspect …) and
// pandas', numpy's and the course's (a third of `import pandas`). On the first start the worker lets CPython write
// the bytecode of site-packages and the course bundle under PREFIX (sys.pycache_prefix); once idle it stores those
// .pyc files, marked "unchecked hash" (valid without comparing source timestamps, which change on every unpack),
// and a copy of the standard library zip with the bytecode of every stdlib module then loaded appended beside its
// source (zipimport never writes bytecode; it reads a .pyc next to the .py first), in IndexedDB. Later starts read
// the entry while the wasm compiles and write both into the file system before Python starts (loadPyodide's
// fsInit); the zip comes first on PYTHONPATH, so even Pyodide's own start-up imports skip the compiler. The key
// covers everything the bytecode depends on: the Pyodide lock file (its version), the course bundle's hash and the
// runtime's own sources; any change starts from sources again. Storage may be unavailable (private mode): then
// nothing is cached.

import { PY_FILES } from "./pyfiles.js";
import RUNTIME_PY from "./runtime.py";

const PREFIX = "/home/pyodide/.pycache";
/** The standard library with bytecode: first on PYTHONPATH (loadPyodide's env), before /lib/python312.zip. */
export const STDLIB_ZIP = "/lib/courseware-stdlib.zip";
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

const READ_TIMEOUT_MS = 5000; // Python's start waits for this read: a stuck database must not hold it up

/** The stored entry (a Promise; null when there is none, storage is unavailable or too slow). Start it early. */
export function readPycache() {
  const read = withStore("readonly", (store) => store.get(ENTRY)).catch(() => null);
  return Promise.race([read, new Promise((resolve) => setTimeout(() => resolve(null), READ_TIMEOUT_MS))]);
}

/** The files of a zip written with ZIP_STORED (savePycache's own format): [[name, bytes], …]; null otherwise. */
function storedZipEntries(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = bytes.byteLength - 22; // end of central directory record, no archive comment
  if (end < 0 || view.getUint32(end, true) !== 0x06054b50) return null;
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const names = new TextDecoder();
  const out = [];
  for (let i = 0; i < count; i += 1) {
    if (view.getUint32(at, true) !== 0x02014b50 || view.getUint16(at + 10, true) !== 0) return null;
    const size = view.getUint32(at + 20, true);
    const nameLength = view.getUint16(at + 28, true);
    const local = view.getUint32(at + 42, true);
    const name = names.decode(bytes.subarray(at + 46, at + 46 + nameLength));
    const data = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    out.push([name, bytes.subarray(data, data + size)]);
    at += 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  return out;
}

/**
 * Before Python starts (loadPyodide's fsInit): write the cached bytecode of ``entry`` into the file system when
 * it was made for ``key``. Pure JavaScript (no Python yet). Returns the number of bytes restored (0 when none).
 */
export function restorePycache(FS, entry, key) {
  if (!entry || entry.key !== key || !entry.bytes || !entry.stdlib) return 0;
  const files = storedZipEntries(entry.bytes);
  if (!files) return 0;
  const folders = new Set();
  for (const [name, data] of files) {
    const path = `${PREFIX}/${name}`;
    const folder = path.slice(0, path.lastIndexOf("/"));
    if (!folders.has(folder)) {
      FS.mkdirTree(folder);
      folders.add(folder);
    }
    FS.writeFile(path, data);
  }
  FS.writeFile(STDLIB_ZIP, entry.stdlib);
  return entry.bytes.byteLength + entry.stdlib.byteLength;
}

/** The key cached bytecode is made for: the Pyodide lock file (its version and packages), the course bundle's
 * hash and the runtime's own sources. The exercise worker and the grading workers compute it the same way. */
export function pycacheKey(lock, bundleHash) {
  return fnv1a([lock, bundleHash, RUNTIME_PY, ...Object.values(PY_FILES)].join("\0"));
}

/**
 * loadPyodide options that restore the cached bytecode before Python starts: the stored entry is read at once
 * (while the wasm compiles), written into the file system in fsInit when it was made for the key ``keyP``
 * resolves to, and the standard library copy comes first on PYTHONPATH. ``restored(bytes, seconds)`` is told
 * what was restored (0 bytes: nothing; a failed download stops the start-up later, with its own message).
 */
export function pycacheStart(keyP, restored) {
  let entryP = readPycache();
  const fsInit = async (FS) => {
    let bytes = 0;
    let seconds = 0;
    try {
      const [key, entry] = await Promise.all([keyP, entryP]);
      entryP = null; // the file system has its own copy: let the ≈ 17 MB go
      const start = performance.now();
      bytes = restorePycache(FS, entry, key);
      seconds = (performance.now() - start) / 1000;
    } catch {
      bytes = 0;
    }
    restored(bytes, seconds);
  };
  return { fsInit, env: { PYTHONPATH: STDLIB_ZIP } };
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

def _courseware_stdlib_zip(out):
    # A copy of the stdlib zip with the bytecode of every stdlib module loaded now appended (mode "a" keeps the
    # compressed sources as they are). Compiled as zipimport compiles them (same file name in the code objects).
    import importlib.util, marshal, shutil, sys, zipfile
    stdlib = f"/lib/python{sys.version_info[0]}{sys.version_info[1]}.zip"
    shutil.copyfile(stdlib, out)
    prefix = stdlib + "/"
    count = 0
    with zipfile.ZipFile(stdlib) as src, zipfile.ZipFile(out, "a") as dst:
        names = set(src.namelist())
        for module in list(sys.modules.values()):
            origin = getattr(getattr(module, "__spec__", None), "origin", None) or ""
            name = origin[len(prefix):]
            if not (origin.startswith(prefix) and name.endswith(".py")) or name + "c" in names:
                continue
            source = src.read(name)
            code = compile(source, origin, "exec", dont_inherit=True)
            head = importlib.util.MAGIC_NUMBER + (1).to_bytes(4, "little") + importlib.util.source_hash(source)
            dst.writestr(name + "c", head + marshal.dumps(code))
            names.add(name + "c")
            count += 1
    return count
`;

/** Store the bytecode written so far under ``key`` (replacing any older entry); returns its size in bytes. */
export async function savePycache(pyodide, key) {
  const out = "/tmp/courseware-pyc.zip";
  const stdlibOut = "/tmp/courseware-stdlib.zip";
  pyodide.runPython(COLLECT_PY);
  const collect = pyodide.globals.get("_courseware_collect_pyc");
  const stdlib = pyodide.globals.get("_courseware_stdlib_zip");
  try {
    collect(PREFIX, out);
    stdlib(stdlibOut);
  } finally {
    collect.destroy();
    stdlib.destroy();
  }
  const entry = { key, bytes: pyodide.FS.readFile(out), stdlib: pyodide.FS.readFile(stdlibOut), saved: Date.now() };
  pyodide.FS.unlink(out);
  pyodide.FS.unlink(stdlibOut);
  entry.size = entry.bytes.byteLength + entry.stdlib.byteLength;
  await withStore("readwrite", (store) => store.put(entry, ENTRY));
  return entry.size;
}
