// Progress in localStorage: one versioned record per exercise, the 学号, export and import.

export const PREFIX = "courseware:v1:";
export const STUDENT_KEY = `${PREFIX}student`;
const QUIZ_PREFIX = `${PREFIX}quiz:`;
const RECORD_VERSION = 1;
const EXPORT_FORMAT = "courseware-progress";

function storage() {
  try {
    return window.localStorage;
  } catch {
    return null; // private mode or blocked storage: the widget still works, it just forgets
  }
}

function readJSON(key) {
  const ls = storage();
  if (!ls) return null;
  try {
    return JSON.parse(ls.getItem(key) || "null");
  } catch {
    return null;
  }
}

function writeJSON(key, value) {
  const ls = storage();
  if (!ls) return;
  try {
    ls.setItem(key, JSON.stringify(value));
  } catch {
    // Quota exceeded: keep working in memory rather than break the page.
  }
}

export function emptyRecord(hash) {
  return { v: RECORD_VERSION, code: null, attempts: 0, best: null, passed: false, ts: 0, hash };
}

export function loadRecord(exerciseId) {
  const rec = readJSON(PREFIX + exerciseId);
  if (!rec || typeof rec !== "object" || rec.v !== RECORD_VERSION) return null;
  return rec;
}

export function saveRecord(exerciseId, record) {
  writeJSON(PREFIX + exerciseId, { ...record, v: RECORD_VERSION, ts: Date.now() });
}

export function getStudent() {
  const ls = storage();
  const value = ls ? ls.getItem(STUDENT_KEY) : null;
  return value && value.trim() ? value.trim() : null;
}

export function setStudent(student) {
  const ls = storage();
  if (!ls) return;
  const value = (student || "").trim();
  if (value) ls.setItem(STUDENT_KEY, value);
  else ls.removeItem(STUDENT_KEY);
}

/** Every courseware record (exercises, quizzes, 学号) as one exportable object. */
export function exportAll() {
  const ls = storage();
  const records = {};
  if (ls) {
    for (let i = 0; i < ls.length; i += 1) {
      const key = ls.key(i);
      if (key && key.startsWith(PREFIX)) records[key] = ls.getItem(key);
    }
  }
  return { format: EXPORT_FORMAT, version: RECORD_VERSION, exported: new Date().toISOString(), records };
}

function parse(text) {
  try {
    const value = JSON.parse(text);
    return value && typeof value === "object" ? value : null;
  } catch {
    return null;
  }
}

function timeOf(record) {
  if (typeof record.ts === "number") return record.ts; // exercises
  const t = typeof record.timestamp === "number" ? record.timestamp : Date.parse(record.timestamp); // quizzes, scenarios
  return Number.isFinite(t) ? t : null;
}

function points(best) {
  const value = typeof best === "number" ? best : best && Number(best.points);
  return Number.isFinite(value) ? value : -Infinity;
}

/**
 * ``{text, kept}``: the record to keep when this browser has ``local`` and the file has ``incoming`` (both JSON
 * text), and whether this browser's own (newer) work was kept. An older file never takes back newer work. The newer record gives the code or answers; a pass, the best score and the
 * attempts of either are kept. Records without times (the 学号, unknown formats): this browser's wins if it has one.
 */
export function mergeRecord(local, incoming) {
  if (local === null) return { text: incoming, kept: false };
  const a = parse(local);
  const b = parse(incoming);
  if (!a || !b || timeOf(a) === null || timeOf(b) === null) return { text: local, kept: local !== incoming };
  const [newer, older] = timeOf(b) > timeOf(a) ? [b, a] : [a, b];
  const merged = { ...newer };
  if ("passed" in a || "passed" in b) merged.passed = Boolean(a.passed || b.passed);
  if (points(older.best) > points(newer.best)) merged.best = older.best;
  if (typeof older.attempts === "number") merged.attempts = Math.max(older.attempts, newer.attempts || 0);
  const text = JSON.stringify(merged) === JSON.stringify(a) ? local : JSON.stringify(merged);
  return { text, kept: newer === a && local !== incoming };
}

/**
 * Import an export, merged with what this browser has (:func:`mergeRecord`); returns ``{imported, kept}``: records
 * taken from the file, records where this browser's newer work was kept (a pass or best score from the file
 * still counts). Throws an Error with a Chinese message.
 */
export function importAll(data) {
  if (!data || data.format !== EXPORT_FORMAT || typeof data.records !== "object") {
    throw new Error("这不是本课程导出的进度文件（缺少 format: courseware-progress）。请选择“导出进度”得到的 JSON 文件。");
  }
  const ls = storage();
  if (!ls) throw new Error("浏览器禁止了本地存储，无法导入。请关闭无痕模式后再试。");
  let imported = 0;
  let kept = 0;
  for (const [key, value] of Object.entries(data.records)) {
    if (!key.startsWith(PREFIX) || typeof value !== "string") continue;
    const local = ls.getItem(key);
    const merged = mergeRecord(local, value);
    if (merged.kept) kept += 1;
    else imported += 1;
    if (merged.text !== local) ls.setItem(key, merged.text);
  }
  return { imported, kept };
}

export function quizRecord(quizId) {
  return readJSON(QUIZ_PREFIX + quizId);
}
