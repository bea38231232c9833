// 教师批改: what the teacher picked or dropped → [{path, mtime, blob}], path relative as the CLI would see it
// when run in the folder that holds them (a dropped folder keeps its name: "作业/张三_2024001/old-customers.csv").

/** From an <input type=file> (files or a folder: webkitRelativePath). */
export function fromInput(fileList) {
  return [...fileList].map((file) => ({
    path: file.webkitRelativePath || file.name,
    mtime: file.lastModified || 0,
    blob: file,
  }));
}

function readAll(reader) {
  return new Promise((resolve, reject) => {
    const out = [];
    const next = () =>
      reader.readEntries((batch) => {
        if (!batch.length) return resolve(out);
        out.push(...batch);
        next();
      }, reject);
    next();
  });
}

function fileOf(entry) {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

async function walk(entry, out) {
  if (entry.isFile) {
    const file = await fileOf(entry);
    out.push({ path: entry.fullPath.replace(/^\/+/, ""), mtime: file.lastModified || 0, blob: file });
  } else if (entry.isDirectory) {
    for (const child of await readAll(entry.createReader())) await walk(child, out);
  }
}

/** From a drop: files and whole folders (FileSystemEntry API), else the plain file list. */
export async function collectDrop(dataTransfer) {
  const entries = [...(dataTransfer.items || [])]
    .map((item) => (item.kind === "file" && item.webkitGetAsEntry ? item.webkitGetAsEntry() : null))
    .filter(Boolean);
  if (!entries.length) return fromInput(dataTransfer.files || []);
  const out = [];
  for (const entry of entries) await walk(entry, out);
  return out;
}

/** Drag and drop onto ``zone``: ``onFiles`` gets what was dropped (files and whole folders). */
export function bindDrop(zone, onFiles) {
  zone.addEventListener("dragover", (e) => {
    e.preventDefault();
    zone.classList.add("grading-drop-over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("grading-drop-over"));
  zone.addEventListener("drop", async (e) => {
    e.preventDefault();
    zone.classList.remove("grading-drop-over");
    onFiles(await collectDrop(e.dataTransfer));
  });
}
