// 教师批改: the roster, pasted or loaded from a file (txt / csv / xlsx). The latest of the two is the one used
// (pasting after loading a file drops the file); the line under them says which. Parsing is grader's own
// (webgrade.roster in the worker), at 开始批改.

/** The roster controls inside ``root``: {read(worker, run) → {ids, names}, restore(run), reset()}. */
export function rosterInput(root) {
  const text = root.querySelector("[data-role=roster]");
  const fileInput = root.querySelector("[data-role=roster-file]");
  const summary = root.querySelector("[data-role=roster-summary]");
  let file = null;

  function show() {
    const lines = text.value.split(/\r?\n/).filter((l) => l.trim()).length;
    if (file) {
      const drop = document.createElement("button");
      Object.assign(drop, { type: "button", className: "md-button", textContent: "不用这个文件" });
      drop.dataset.action = "drop-roster-file";
      drop.addEventListener("click", () => {
        file = null;
        fileInput.value = "";
        show();
      });
      summary.replaceChildren(`已载入 ${file.name}（开始批改时读取；上面粘贴的名单不用）`, " ", drop);
    } else {
      summary.textContent = lines ? `名单共 ${lines} 行（开始批改时读取，表头和序号列不影响）` : "";
    }
  }

  fileInput.addEventListener("change", () => {
    file = fileInput.files[0] || null;
    show();
  });
  text.addEventListener("input", () => {
    if (file) { // typing or pasting after a file was loaded: the text is what the teacher means now
      file = null;
      fileInput.value = "";
    }
    show();
  });

  return {
    /** The roster's 学号 and 姓名 ({ids, names}); a resumed run keeps those it was started with. */
    async read(worker, run) {
      if (run.roster) return { ids: run.roster, names: run.names || {} };
      let reply = { ids: [], names: {} };
      if (file) reply = await worker.send("roster", { data: await file.arrayBuffer() });
      else if (text.value.trim()) reply = await worker.send("roster", { text: text.value });
      if (reply.error) throw new Error(reply.error);
      return { ids: reply.ids, names: reply.names || {} };
    },
    /** Show the roster a restored run was graded with (as "学号 姓名" lines). */
    restore(run) {
      if (!run.roster || !run.roster.length) return;
      const names = run.names || {};
      text.value = run.roster.map((id) => (names[id] ? `${id} ${names[id]}` : id)).join("\n");
      file = null;
      show();
    },
    reset() {
      file = null;
      fileInput.value = "";
      show();
    },
  };
}

/**
 * Entries of ``old`` (a stored run: files, items, key, roster) that hold for ``run``'s items: the same file path
 * from an unchanged top-level file (size and time), graded with the same roster. ``oldEntries``: index → entry of
 * the old run. Returns index (in ``items``) → entry.
 */
export function reusable(old, oldEntries, run, items) {
  const out = new Map();
  if (!old || !old.items || JSON.stringify([old.roster, old.names || {}]) !== JSON.stringify([run.roster, run.names || {}])) {
    return out;
  }
  const source = (files, path) => files.find((f) => f.path === path || path.startsWith(`${f.path}/`));
  const sig = (f) => (f ? `${f.blob.size}:${f.mtime}` : null);
  const before = new Map(old.items.map((path, i) => [path, i]));
  for (const item of items) {
    const j = before.get(item.file);
    if (j === undefined || !oldEntries.has(j)) continue;
    const now = sig(source(run.files, item.file));
    if (now !== null && now === sig(source(old.files, item.file))) out.set(item.index, oldEntries.get(j));
  }
  return out;
}
