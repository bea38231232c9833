// One fetch with the Chinese failure line both workers (the exercise worker and the grading worker) show.

/** fetch(url), or throw an Error saying in Chinese which file (`what`) could not be downloaded and what to do. */
export async function fetchOk(url, what) {
  let resp;
  try {
    resp = await fetch(url);
  } catch (err) {
    throw new Error(`无法下载${what}（${url}）：${err.message}。请检查网络或重新构建网站。`);
  }
  if (!resp.ok) throw new Error(`无法下载${what}（${url}，HTTP ${resp.status}）。请重新构建网站（make build）。`);
  return resp;
}
