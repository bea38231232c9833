"""Assemble the site's trimmed Pyodide distribution: core from npm, wheels verified against the official lock.

Sources for official wheels, first hit wins: an official release given by the ``PYODIDE_DIST`` environment
variable (a folder or a ``.tar.bz2``/``.tar.gz``/``.zip`` archive), the local cache ``.cache/pyodide/wheels``, and the
PyPI package that carries the official wheels byte-for-byte (see ``pyodide_wheels.toml``). A wheel is accepted
only if its sha256 equals the official lock's entry; extra pure-Python wheels come from PyPI and must match the
sha256 pinned in ``pyodide_wheels.toml``. Nothing unverified is ever written to the output.

Usage: ``python -m courseware.pyodide_dist --out build/pyodide``
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pyodide_lock import PackageSpec, PyodideLockSpec

ROOT = Path(__file__).resolve().parent.parent
WHEELS_TOML = Path(__file__).with_name("pyodide_wheels.toml")
CORE_FILES = ("pyodide.mjs", "pyodide.js", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip")
ENV_DIST = "PYODIDE_DIST"


class DistError(Exception):
    """Assembly cannot go on; the message (Chinese, one line) names the file and what to do."""


@dataclass(frozen=True)
class Wanted:
    """One wheel the site ships and the hash it must have."""

    name: str
    file_name: str
    sha256: str


def canonical_name(name: str) -> str:
    """Key of a package in pyodide-lock.json (PEP 503 normalised, as Pyodide looks it up)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# Sources -------------------------------------------------------------------------------------------


class FolderSource:
    """An official Pyodide release unpacked into a folder (wheels may sit at top level or under pyodide/)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.label = f"{ENV_DIST}={folder}"

    def get(self, file_name: str) -> bytes | None:
        for candidate in (self.folder / file_name, self.folder / "pyodide" / file_name):
            if candidate.is_file():
                return candidate.read_bytes()
        return None


class ArchiveSource:
    """An official Pyodide release archive (``pyodide-0.27.7.tar.bz2`` and the like), read without unpacking."""

    def __init__(self, archive: Path) -> None:
        self.archive = archive
        self.label = f"{ENV_DIST}={archive}"
        self._index: dict[str, str] | None = None

    def _names(self) -> dict[str, str]:
        if self._index is None:
            if zipfile.is_zipfile(self.archive):
                with zipfile.ZipFile(self.archive) as zf:
                    names = zf.namelist()
            else:
                with tarfile.open(self.archive) as tf:
                    names = tf.getnames()
            self._index = {Path(n).name: n for n in names}
        return self._index

    def get(self, file_name: str) -> bytes | None:
        member = self._names().get(file_name)
        if member is None:
            return None
        if zipfile.is_zipfile(self.archive):
            with zipfile.ZipFile(self.archive) as zf:
                return zf.read(member)
        with tarfile.open(self.archive) as tf:
            extracted = tf.extractfile(member)
            return extracted.read() if extracted else None


class CacheSource:
    """Wheels verified on an earlier run."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.label = f"本地缓存 {folder}"

    def get(self, file_name: str) -> bytes | None:
        path = self.folder / file_name
        return path.read_bytes() if path.is_file() else None


class CarrierSource:
    """The PyPI package that carries the official wheels; downloaded once with pip, read as a zip."""

    def __init__(self, name: str, version: str, prefix: str, cache: Path) -> None:
        self.spec = f"{name}=={version}"
        self.prefix = prefix
        self.cache = cache
        self.label = f"PyPI 包 {self.spec}"
        self._wheel: Path | None = None

    def _download(self) -> Path:
        if self._wheel is None:
            self.cache.mkdir(parents=True, exist_ok=True)
            found = sorted(self.cache.glob("*.whl"))
            if not found:
                pip_download(self.spec, self.cache)
                found = sorted(self.cache.glob("*.whl"))
            if not found:
                raise DistError(f"下载 {self.spec} 没有得到 wheel 文件：请检查能否访问 PyPI，或设置 {ENV_DIST}。")
            self._wheel = found[0]
        return self._wheel

    def get(self, file_name: str) -> bytes | None:
        try:
            with zipfile.ZipFile(self._download()) as zf:
                return zf.read(self.prefix + file_name)
        except KeyError:
            return None
        except (subprocess.CalledProcessError, zipfile.BadZipFile, OSError):
            return None


def pip_download(requirement: str, dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--no-deps",
         "--only-binary", ":all:", "-d", str(dest), requirement],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


# Assembly ------------------------------------------------------------------------------------------


def official_closure(lock: PyodideLockSpec, roots: Iterable[str]) -> list[str]:
    """Names of the root packages and everything they depend on in the official lock, sorted."""
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        if name not in lock.packages:
            raise DistError(f"官方 pyodide-lock.json 里没有包 {name}：请检查 courseware/pyodide_wheels.toml。")
        seen.add(name)
        todo.extend(lock.packages[name].depends)
    return sorted(seen)


def fetch_verified(wanted: Wanted, sources: list, cache: Path) -> bytes:
    """The wheel's bytes from the first source that has it with the right hash; caches what it accepts."""
    tried: list[str] = []
    for source in sources:
        data = source.get(wanted.file_name)
        if data is None:
            tried.append(f"{source.label}（没有）")
            continue
        actual = sha256_of(data)
        if actual != wanted.sha256:
            tried.append(f"{source.label}（sha256 不符：{actual[:12]}…）")
            continue
        cache.mkdir(parents=True, exist_ok=True)
        cached = cache / wanted.file_name
        if not cached.is_file():
            cached.write_bytes(data)
        return data
    raise DistError(
        f"无法得到经过校验的 {wanted.file_name}（应为 sha256 {wanted.sha256[:12]}…）。已尝试：{'；'.join(tried)}。"
        f"请把官方 Pyodide {{version}} 发布包的目录或压缩包路径设到环境变量 {ENV_DIST} 后重试。"
    )


def official_sources(cache_dir: Path, carrier: dict[str, str]) -> list:
    sources: list = []
    given = os.environ.get(ENV_DIST)
    if given:
        path = Path(given).expanduser()
        if path.is_dir():
            sources.append(FolderSource(path))
        elif path.is_file():
            sources.append(ArchiveSource(path))
        else:
            raise DistError(f"环境变量 {ENV_DIST} 指向的 {path} 不存在：请改成官方 Pyodide 发布包的目录或压缩包，或删除该变量。")
    sources.append(CacheSource(cache_dir / "wheels"))
    sources.append(CarrierSource(carrier["name"], carrier["version"], carrier["prefix"], cache_dir / "carrier"))
    return sources


class PyPISource:
    """Extra pure-Python wheels, downloaded from PyPI by exact version."""

    def __init__(self, cache: Path, requirement: str) -> None:
        self.cache = cache
        self.requirement = requirement
        self.label = f"PyPI {requirement}"

    def get(self, file_name: str) -> bytes | None:
        target = self.cache / file_name
        if not target.is_file():
            try:
                pip_download(self.requirement, self.cache)
            except subprocess.CalledProcessError:
                return None
        return target.read_bytes() if target.is_file() else None


def assemble(out: Path, *, node_modules: Path = ROOT / "node_modules", cache_dir: Path = ROOT / ".cache" / "pyodide",
             wheels_toml: Path = WHEELS_TOML) -> PyodideLockSpec:
    """Write the trimmed distribution into ``out`` (replaced) and return its lock."""
    config = tomllib.loads(wheels_toml.read_text(encoding="utf-8"))
    version = config["pyodide_version"]
    core_dir = node_modules / "pyodide"
    lock_path = core_dir / "pyodide-lock.json"
    if not lock_path.is_file():
        raise DistError(f"找不到 {lock_path}：请先运行 npm ci（make 会自动运行）。")
    official = PyodideLockSpec.from_json(lock_path)
    if official.info.version != version:
        raise DistError(f"node_modules 里的 Pyodide 是 {official.info.version}，课程需要 {version}：请运行 npm ci。")

    names = official_closure(official, config["official"])
    sources = official_sources(cache_dir, config["carrier"])
    staged = out.with_name(out.name + ".tmp")
    if staged.exists():
        shutil.rmtree(staged)
    staged.mkdir(parents=True)

    packages: dict[str, PackageSpec] = {}
    for name in names:
        entry = official.packages[name]
        wanted = Wanted(name, entry.file_name, entry.sha256)
        try:
            data = fetch_verified(wanted, sources, cache_dir / "wheels")
        except DistError as err:
            raise DistError(str(err).replace("{version}", version)) from None
        (staged / entry.file_name).write_bytes(data)
        packages[name] = entry

    for extra in config.get("extra", []):
        wanted = Wanted(extra["name"], extra["file_name"], extra["sha256"])
        pypi = PyPISource(cache_dir / "pypi", f"{extra['name']}=={extra['version']}")
        data = fetch_verified(wanted, [CacheSource(cache_dir / "wheels"), pypi], cache_dir / "wheels")
        (staged / extra["file_name"]).write_bytes(data)
        packages[canonical_name(extra["name"])] = PackageSpec(
            name=extra["name"], version=extra["version"], file_name=extra["file_name"], install_dir="site",
            sha256=extra["sha256"], package_type="package", imports=extra["imports"], depends=extra["depends"],
        )

    for file_name in CORE_FILES:
        src = core_dir / file_name
        if not src.is_file():
            raise DistError(f"npm 包 pyodide@{version} 缺少 {file_name}：请删除 node_modules 后重新运行 make。")
        shutil.copy2(src, staged / file_name)

    trimmed = PyodideLockSpec(info=official.info, packages=dict(sorted(packages.items())))
    trimmed.to_json(staged / "pyodide-lock.json", indent=1)
    if out.exists():
        shutil.rmtree(out)
    staged.rename(out)
    return trimmed


def verify(out: Path, *, node_modules: Path = ROOT / "node_modules", wheels_toml: Path = WHEELS_TOML) -> list[str]:
    """Problems with an assembled distribution (empty when every shipped file has its expected hash)."""
    config = tomllib.loads(wheels_toml.read_text(encoding="utf-8"))
    official = json.loads((node_modules / "pyodide" / "pyodide-lock.json").read_text(encoding="utf-8"))["packages"]
    pinned = {canonical_name(e["name"]): e["sha256"] for e in config.get("extra", [])}
    shipped = json.loads((out / "pyodide-lock.json").read_text(encoding="utf-8"))["packages"]
    problems = []
    for name, entry in shipped.items():
        expected = pinned[name] if name in pinned else official.get(name, {}).get("sha256")
        path = out / entry["file_name"]
        if expected is None:
            problems.append(f"{name}: no official or pinned hash")
        elif not path.is_file():
            problems.append(f"{entry['file_name']}: missing")
        elif sha256_of(path.read_bytes()) != expected or entry["sha256"] != expected:
            problems.append(f"{entry['file_name']}: sha256 differs")
    for file_name in CORE_FILES:
        core = node_modules / "pyodide" / file_name
        if sha256_of((out / file_name).read_bytes()) != sha256_of(core.read_bytes()):
            problems.append(f"{file_name}: differs from the npm package")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="组装课程网站使用的精简版 Pyodide（逐个校验 sha256）")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "pyodide", help="输出目录")
    args = parser.parse_args(argv)
    try:
        lock = assemble(args.out)
    except DistError as err:
        print(f"错误：{err}", file=sys.stderr)
        return 1
    size = sum(p.stat().st_size for p in args.out.iterdir())
    print(f"Pyodide 已就绪：{args.out}（{len(lock.packages)} 个包，{size / 1e6:.1f} MB，全部通过 sha256 校验）")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
