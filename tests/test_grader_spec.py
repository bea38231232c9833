"""Spec schema: valid specs load; each kind of mistake fails with the file and the field named."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from grader.checks import REGISTRY
from grader.spec import SpecError, load_all, load_spec, spec_hash

BASE = {
    "id": "demo",
    "title": "演示练习",
    "datasets": ["orders"],
    "submission": {
        "kind": "table",
        "format": "csv",
        "columns": ["买家会员名", "成交订单数", "成交金额"],
        "key": "买家会员名",
        "aliases": {"买家会员名": ["客户", "顾客ID"]},
        "dtypes": {"成交订单数": "int", "成交金额": "float"},
        "tolerance": {"成交金额": 0.01},
    },
    "checks": [
        {"kind": "columns", "points": 1},
        {"kind": "rows", "points": 4, "label": "客户"},
        {"kind": "values", "points": 4, "columns": ["成交订单数", "成交金额"]},
    ],
}


def write_exercise(root: Path, spec: dict, files: tuple[str, ...] = ("instructions.md", "starter.py", "solution.py"),
                   name: str | None = None) -> Path:
    folder = root / (name or str(spec.get("id", "demo")))
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "spec.yml").open("w", encoding="utf-8") as fh:
        YAML(typ="safe", pure=True).dump(spec, fh)
    for f in files:
        (folder / f).write_text("result = None\n", encoding="utf-8")
    return folder


def variant(**changes: object) -> dict:
    import copy

    spec = copy.deepcopy(BASE)
    for path, value in changes.items():
        target = spec
        parts = path.split("__")
        for p in parts[:-1]:
            target = target[int(p)] if isinstance(target, list) else target[p]
        last = parts[-1]
        if value is ...:
            del target[last]
        elif isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value
    return spec


def test_valid_spec_loads_with_defaults(tmp_path):
    spec = load_spec(write_exercise(tmp_path, BASE))
    assert spec.id == "demo" and spec.max_score == 9
    assert spec.submission.key == ["买家会员名"]
    assert spec.submission.accept == ["csv", "xlsx"]
    assert spec.checks[1].needs_reference is True and spec.checks[0].needs_reference is False
    assert spec.checks[1].params == {"label": "客户"}
    assert spec.checks[0].display_name == REGISTRY["columns"].title
    assert spec.submission_name("2023001") == "2023001_demo.csv"
    assert spec.submission.tolerance_for("成交金额") == 0.01
    assert spec.submission.tolerance_for("成交订单数") == 0.0
    assert spec.where.endswith("demo/spec.yml")


@pytest.mark.parametrize(("changes", "expected"), [
    ({"checks__2__kind": "rowz"}, "checks[2].kind 'rowz' 未知（可用："),
    ({"title": ...}, "title 缺失"),
    ({"id": "Demo_1"}, "id 'Demo_1' 只能用小写字母"),
    ({"chapter": "p1-archive/index.md"}, "chapter 是未知字段"),  # the page's ::exercise line says where it is
    ({"datasets": ["ordres"]}, "datasets[0] 'ordres' 未知"),
    ({"submission__kind": "essay"}, "submission.kind 'essay' 未知"),
    ({"submission__format": "yaml"}, "submission.format 'yaml' 未知"),
    ({"submission__key": ...}, "submission.key 缺失"),
    ({"submission__dtypes": {"成交金额": "money"}}, "submission.dtypes.成交金额 'money' 未知"),
    ({"submission__tolerance": {"成交金额": -1}}, "tolerance.成交金额 应为不小于 0 的数字"),
    ({"submission__key": "客户ID"}, "'客户ID' 不在 columns 里"),
    ({"checks__0__points": "三"}, "checks[0].points 应为数字"),
    ({"checks__1__lable": "客户"}, "checks[1]（rows）参数 lable 未知"),
    ({"checks__1__scoring": "best"}, "参数 scoring 'best' 未知"),
    ({"checks__2__columns": "成交金额"}, "参数 columns 应为列表"),
    ({"checks__1__needs_reference": False}, "needs_reference 不能为 false"),
    ({"checks": []}, "checks 不能为空"),
    ({"extra_field": 1}, "extra_field 是未知字段"),
    ({"notes": {"deductions": {"typo": 1}}}, "notes.deductions.typo 未知"),
    ({"attempts_before_solution": -1}, "attempts_before_solution 不能为负数"),
])
def test_mistakes_name_file_and_field(tmp_path, changes, expected):
    folder = write_exercise(tmp_path, variant(**changes), name="demo")
    with pytest.raises(SpecError) as err:
        load_spec(folder)
    message = str(err.value)
    assert message.startswith(f"{tmp_path.name}/demo/spec.yml："), message
    assert expected in message, message
    assert "\n" not in message


def test_check_kind_for_wrong_submission_kind(tmp_path):
    spec = variant(checks=[{"kind": "tier-schema", "points": 1}])
    with pytest.raises(SpecError, match=r"'tier-schema' 不能用于 table"):
        load_spec(write_exercise(tmp_path, spec))


def test_tier_config_needs_tier_names(tmp_path):
    spec = {**BASE, "submission": {"kind": "tier-config"}, "checks": [{"kind": "tier-schema", "points": 1}]}
    with pytest.raises(SpecError, match=r"submission\.tiers 缺失"):
        load_spec(write_exercise(tmp_path, spec))
    spec["submission"]["tiers"] = {"names": ["银卡", "金卡"], "rule": "任一"}
    loaded = load_spec(write_exercise(tmp_path, spec))
    assert loaded.submission.format == "yaml" and loaded.submission.accept == ["yaml", "json"]
    assert loaded.submission.tiers.names == ["银卡", "金卡"]


def test_missing_files_and_folder_name(tmp_path):
    with pytest.raises(SpecError, match=r"缺少 solution\.py"):
        load_spec(write_exercise(tmp_path, BASE, files=("instructions.md", "starter.py")))
    with pytest.raises(SpecError, match=r"与文件夹名 'other' 不一致"):
        load_spec(write_exercise(tmp_path, BASE, name="other"))
    with pytest.raises(SpecError, match=r"spec\.yml：文件不存在"):
        load_spec(tmp_path / "nothing")


@pytest.mark.parametrize(("text", "expected"), [
    ("id: demo\ntitle: [未闭合\ndatasets: [orders]\n", "demo/spec.yml：YAML 语法错误：第 2 行 “title: [未闭合” 的方括号或花括号没有配对"),
    ("id: demo\ntitle: 老客户\n  points: 2\n", "demo/spec.yml：YAML 语法错误：第 3 行 “points: 2” 缩进不对"),
])
def test_yaml_syntax_error_names_the_line_in_chinese(tmp_path, text, expected):
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "spec.yml").write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as err:
        load_spec(folder)
    message = str(err.value)
    assert expected in message.replace("\\", "/"), message
    assert not re.search(r"expected|found|mapping|while|block", message), message


def test_load_all_and_hash(tmp_path):
    write_exercise(tmp_path, BASE)
    other = write_exercise(tmp_path, {**BASE, "id": "second"})
    specs = load_all(tmp_path)
    assert sorted(specs) == ["demo", "second"]
    before = spec_hash(other)
    assert before == spec_hash(other) and len(before) == 16
    (other / "solution.py").write_text("result = 1\n", encoding="utf-8")
    assert spec_hash(other) != before
    assert load_all(tmp_path / "missing") == {}


def test_every_registered_kind_has_a_title_and_loads_its_defaults():
    for name, kind in REGISTRY.items():
        assert kind.title, name
        params = kind.parameters()
        required = [p for p, v in params.items() if v.default is v.empty]
        # kinds without required params validate an empty param set cleanly
        if not required and kind.validate is None:
            assert kind.check_params({}) == [], name
