"""Property: whatever files or archives come in, grading never raises and every file is in the gradebook."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from fixtures.build_corpus import EXERCISE, FIXTURE_EXERCISES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grader.grading import build_gradebook
from grader.intake.collect import collect
from grader.render import RENDERERS
from grader.spec import load_all

SPECS = load_all(FIXTURE_EXERCISES)
STUDENTS = ("2023001", "2023002")  # few variants: the engine caches their references

header = st.sampled_from(["买家会员名,成交订单数,成交金额", "客户,订单数,交易金额", "成交金额,买家会员名", "", "a;b;c"])
cell = st.text(alphabet=st.sampled_from(list("张三李四0123456789０１２.,-=+@\"' 元¥\t")), max_size=8)
rows = st.lists(st.lists(cell, min_size=0, max_size=4).map(",".join), max_size=12)
text_body = st.tuples(header, rows).map(lambda t: "\r\n".join([t[0], *t[1]]))
body = st.one_of(
    st.binary(max_size=600),
    st.tuples(text_body, st.sampled_from(["utf-8", "utf-8-sig", "gbk", "utf-16"])).map(
        lambda t: t[0].encode(t[1], errors="ignore")),
    st.just(b"PK\x03\x04"),
)
name = st.one_of(
    st.tuples(st.sampled_from(STUDENTS), st.sampled_from(["csv", "CSV", "xlsx", "yaml", "txt", "zip"])).map(
        lambda t: f"{t[0]}_{EXERCISE}.{t[1]}"),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="/\\"),
            min_size=1, max_size=20),
)


def _grade(paths: list[Path]) -> tuple[int, dict]:
    subs = collect(paths, SPECS)
    book = build_gradebook(subs, SPECS)
    for fmt, render in RENDERERS.items():
        assert render(book, "zh"), fmt
    return len(subs), json.loads(RENDERERS["json"](book, "zh"))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=st.dictionaries(name, body, min_size=1, max_size=5))
def test_any_files_are_all_reported(tmp_path_factory, files):
    folder = tmp_path_factory.mktemp("prop")
    written = []
    for i, (n, data) in enumerate(files.items()):
        safe = n.strip().strip(".") or "x"
        path = folder / f"{i}" / safe
        path.parent.mkdir()
        try:
            path.write_bytes(data)
        except OSError:  # a name the file system refuses is not a submission
            continue
        written.append(path)
    count, book = _grade(written)
    results = book["results"]
    assert len(results) == count
    plain = [p for p in written if not p.name.lower().endswith(".zip") and not p.read_bytes().startswith(b"PK")]
    shown = {r["file"] for r in results}
    for path in plain:
        assert path.as_posix() in shown
    for r in results:
        assert r["status"] in ("graded", "error")
        assert r["status"] == "graded" or r["error"]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(members=st.lists(st.tuples(st.one_of(name, st.sampled_from(["../x.csv", "/abs.csv", "a/../../b.csv"])),
                                  body), min_size=1, max_size=5))
def test_any_zip_is_all_reported(tmp_path_factory, members):
    folder = tmp_path_factory.mktemp("propzip")
    buffer = io.BytesIO()
    unique = dict(members)  # a duplicate member name makes zipfile warn
    with zipfile.ZipFile(buffer, "w") as zf:
        for n, data in unique.items():
            zf.writestr(n, data)
    (folder / "class.zip").write_bytes(buffer.getvalue())
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as zf:
        listed = [i for i in zf.infolist() if not i.is_dir()]
    count, book = _grade([folder / "class.zip"])
    assert len(book["results"]) == count
    shown = [r["file"] for r in book["results"]]
    for info in listed:
        if not info.filename.lower().endswith(".zip") and not unique[info.filename].startswith(b"PK"):
            assert any(f.endswith("class.zip/" + info.filename) for f in shown), (info.filename, shown)
