"""The site's copy of the data (site/data/*.csv) and the 数据字典 page stay in step with the generator."""

from __future__ import annotations

import re
import zipfile

import pytest

import datasets
from courseware import buildsteps
from courseware.sitedata import archive_tables, site_data, write_default_data
from datasets.params import BANDS

DICTIONARY = "docs/data-dictionary.md"


@pytest.fixture(scope="module")
def tables():
    return datasets.generate()


def test_build_step_is_registered():
    import courseware.features  # noqa: F401

    assert site_data in buildsteps.POST_BUILD_STEPS


def test_build_step_writes_the_default_csvs(tmp_path, tables):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "old_table.csv").write_text("stale", encoding="utf-8")
    archive = write_default_data(tmp_path)
    assert archive == tmp_path / "data" / "chihuo-data.zip"
    with zipfile.ZipFile(archive) as zf:
        assert sorted(zf.namelist()) == sorted(f"{n}.csv" for n in datasets.TABLES)
        for name, df in tables.items():
            assert zf.read(f"{name}.csv") == datasets.csv_bytes(df)
    assert archive_tables(tmp_path) == sorted(datasets.TABLES)
    # Deterministic: a second build writes the same bytes (the browser caches the archive).
    assert write_default_data(tmp_path).read_bytes() == archive.read_bytes()


def test_build_step_reports_an_unwritable_folder(tmp_path):
    from mkdocs.exceptions import PluginError

    (tmp_path / "data").write_text("a file where the folder should be", encoding="utf-8")
    with pytest.raises(PluginError) as err:
        write_default_data(tmp_path)
    assert "无法写入" in str(err.value) and "\n" not in str(err.value)


def test_dictionary_documents_every_table_and_column(project_root, tables):
    text = (project_root / DICTIONARY).read_text(encoding="utf-8")
    for name, df in tables.items():
        assert re.search(rf"^## {name}：", text, re.MULTILINE), f"{DICTIONARY} 缺少表 {name} 的小节"
        assert f"{name}.csv" in text
        for column in df.columns:
            shown = column.strip() + ("␣" if column != column.strip() else "")
            assert shown in text, f"{DICTIONARY} 没有写到 {name}.{shown}"
    for status in ("等待买家付款", "买家已付款，等待卖家发货", "卖家已发货，等待买家确认", "交易成功", "交易关闭", "交易被淘宝关闭"):
        assert status in text
    assert str(datasets.PERIOD_START) in text and str(datasets.REFERENCE_DATE) in text


def test_dictionary_quotes_the_1111_band(project_root):
    text = (project_root / DICTIONARY).read_text(encoding="utf-8")
    low, _, high = BANDS["peak_1111"]
    assert f"{low:.0f}～{high:.0f} 倍" in text
