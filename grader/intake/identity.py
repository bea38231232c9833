"""Who handed a file in and for which exercise, read from its whole path.

**学号.** Every component of the path counts (file name, parent folders, folders inside a zip). A
component is cut into tokens at ``_ - . space ( ) [ ] 【 】 ， ,``, at the border between Chinese and
Latin/digits, and between digits and a word of Latin letters (``2024001rfm``, ``zhangsan2024001``; a short
prefix or suffix such as ``S2024001`` or ``2024001A`` stays part of the 学号). A token is a 学号 candidate
when, after NFKC, it is 0–3 letters followed by digits and letters with **at least 5 digits**, and it is
not a date or a time stamp (``20251201``, ``202512011230``, ``20251201123045``, a 10/13-digit Unix time).
So ``1_``, ``hw1_``, ``作业2``, dates and platform time stamps are not taken at first. Such a token still counts when the roster has it, and an 8-, 10-
or 12-digit one (``20240101`` is also 2024级01班01号; ``202309150203`` is also 2023级09院15专业02班03号) when
no component of the path holds another candidate (with a note).

* With a roster: the candidate on the roster wins, looking at the file name first, then the folders
  from the innermost outwards. When two roster 学号 appear and a roster has names, the component where a 学号
  stands with its own student's name wins (the platform's folder ``2024008_吴十/`` over a copied file's name
  ``2024007_rfm.csv``).
* Without one (or when no candidate is on the roster): the first candidate of the file name; when the file
  name has none, the first candidate of the innermost folder that has one.
* A roster with 姓名 also finds the 学号 of a file named only with the name (``张三_RFM.xlsx``), or whose only
  number is not on the roster (a platform's upload number): the component that holds a roster name (file
  name first; ``张三`` inside ``张三丰`` does not count) gives that student's 学号. Two students of the same
  name cannot be told apart: the file gets a line saying so. A number with the shape of the roster's 学号 (same
  letter prefix and number of digits: ``2023015`` beside ``2024003``) is a 学号 though, and stays one (名单外,
  with a note naming the roster student of that name): a retake student or a typo is not silently merged.

**Exercise.** The exercise id (``old-customers``), its Chinese title (``老客户筛选``) or an alias from
``spec.yml`` (``aliases: [老客户]``) anywhere in a component, file name first; the longest match wins.
When the path names none, the grader tries the file's columns (:func:`grader.engine.guess_exercise`).

Every guess becomes a note that the outputs show ("学号取自文件夹名“张三_2024001”").
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

_COPY_SUFFIX = re.compile(r"(\s*(\(\d+\)|-\s*(副本|copy)(\s*\(\d+\))?|副本|copy))+$", re.IGNORECASE)
_SPLIT = re.compile(r"[_\-.\s()\[\]【】，,、+]+|(?<=[\u4e00-\u9fff])(?=[A-Za-z0-9])|(?<=[A-Za-z0-9])(?=[\u4e00-\u9fff])"
                    r"|(?<=[0-9])(?=[A-Za-z]{3})|(?<=[A-Za-z]{4})(?=[0-9])")
STUDENT_ID_PATTERN = r"[A-Za-z]{0,3}\d[A-Za-z0-9]*"
"""What a 学号 looks like (after NFKC): 0–3 letters, then a digit, then letters and digits. The exercise pages'
学号 field takes only this (its ``pattern``), so a name typed there never becomes a student's data variant."""
_STUDENT_ID = re.compile(f"^{STUDENT_ID_PATTERN}$")
MIN_DIGITS = 5
KNOWN_EXTENSIONS = ("csv", "txt", "tsv", "xlsx", "xlsm", "yaml", "yml", "json", "zip", "7z", "rar", "xls")


class StudentNames(dict[str, str]):
    """学号 → 姓名 of a roster, with ``index`` (each name as matched in paths → its 学号) built once for a run,
    not once per file."""

    @cached_property
    def index(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for sid, name in self.items():
            key = _key(name)
            if len(key) >= 2:
                out.setdefault(key, []).append(sid)
        return out


@dataclass
class Identity:
    """What the path says: 学号 and exercise (each None when absent) and the notes about guesses."""

    student: str | None = None
    exercise: str | None = None
    student_notes: list[str] = field(default_factory=list)
    exercise_notes: list[str] = field(default_factory=list)
    student_error: str | None = None
    """Why no 学号 was taken although the path names a student (two roster students of that name)."""


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def split_name(name: str) -> tuple[str, str]:
    """(stem, extension) of a file name: NFKC, copy markers (``(1)``, ``- 副本``) and doubled extensions
    (``.csv.csv``) removed; the extension is lower case without the dot."""
    text = _nfkc(name)
    stem, dot, ext = text.rpartition(".")
    if not dot:
        return _COPY_SUFFIX.sub("", text).strip(), ""
    ext = ext.strip().lower()
    stem = _COPY_SUFFIX.sub("", stem.strip()).strip()
    while stem.lower().endswith("." + ext):
        stem = _COPY_SUFFIX.sub("", stem[: -len(ext) - 1]).strip()
    return stem, ext


def _is_date_or_stamp(digits: str) -> bool:
    n = len(digits)
    if n in (10, 13) and digits[0] == "1":  # Unix time in seconds / milliseconds
        return True
    if n in (8, 12, 14) and digits[:2] in ("19", "20"):
        try:
            dt.datetime.strptime(digits[:8], "%Y%m%d")
        except ValueError:
            return False
        return n == 8 or (int(digits[8:10]) < 24 and int(digits[10:12]) < 60)
    return False


STAMP_LENGTHS_TAKEN = (8, 10, 12)
"""Lengths of date/time-shaped tokens that are also common 学号 lengths: taken when nothing else is found."""


def student_candidates(component: str, *, dates: bool = False) -> list[str]:
    """学号-like tokens of one path component, in order (see the module docstring for the rules).
    ``dates=True`` gives instead the tokens left out because they read as a date or a time stamp."""
    out = []
    for token in _SPLIT.split(_nfkc(component)):
        if not token or not _STUDENT_ID.match(token):
            continue
        digits = re.sub(r"\D", "", token)
        if len(digits) < MIN_DIGITS:
            continue
        stamp = token.isdigit() and _is_date_or_stamp(token)
        if stamp if dates else not stamp:
            out.append(token)
    return out


def _components(path: str) -> list[str]:
    """Path components, file name (without extension) first, then folders from the innermost out."""
    parts = [p for p in path.replace("\\", "/").split("/") if p]
    if not parts:
        return []
    stem, _ext = split_name(parts[-1])
    folders = [split_name(p)[0] if p.lower().endswith((".zip", ".7z", ".rar")) else p for p in parts[:-1]]
    return [stem, *reversed(folders)]


def find_student(path: str, roster: Iterable[str] = (), names: Mapping[str, str] | None = None,
                 ) -> tuple[str | None, list[str]]:
    """(学号, notes) from the whole path; ``names`` (学号 → 姓名 of the roster) finds a file named by the name.
    When two roster students share the name, the 学号 is None and the notes hold one line saying so."""
    comps = _components(path)
    names = names if isinstance(names, StudentNames) else StudentNames(names or {})
    found = [(i, c, student_candidates(c)) for i, c in enumerate(comps)]
    found = [f for f in found if f[2]]
    dated = [(i, c, ds) for i, c in enumerate(comps) if (ds := student_candidates(c, dates=True))]
    known = {_nfkc(r).upper() for r in roster}
    if known:  # a 学号 that reads as a date or a time (2024级01班01号 = 20240101) counts when the roster has it
        found += [(i, c, [d for d in ds if d.upper() in known]) for i, c, ds in dated if any(d.upper() in known for d in ds)]
        found.sort(key=lambda f: f[0])  # file name first, then folders from the innermost out
    named = _by_name(comps, names) if not any(c.upper() in known for _i, _c, cs in found for c in cs) else None
    shapes = {_shape(r) for r in known}
    shaped = [(i, c, cand) for i, c, cs in found for cand in cs if _shape(cand) in shapes]
    if named is not None and named[0] is not None and shaped:
        # a number shaped like the roster's 学号 is a 学号 (名单外: another class, a retake, a typo), not an upload
        # number: the same name on the roster does not make the file that student's
        i, comp, cand = shaped[0]
        notes = [] if i == 0 else [f"学号取自文件夹名“{comp}”"]
        return cand, [*notes, f"{cand} 不在名单上；名单上的 {named[0]} 也叫“{names[named[0]]}”——如果是学号写错了，"
                              "请改正文件名后重新批改"]
    if named is not None:
        student, notes = named
        others = [c for _i, _c, cs in found for c in cs]
        if student is not None and others:
            notes = [*notes, f"路径里的编号 {'、'.join(others[:3])} 不在名单上，未作学号"]
        return student, notes
    if not found:
        taken = [(i, c, d) for i, c, ds in dated for d in ds if len(d) in STAMP_LENGTHS_TAKEN]
        if taken:  # e.g. the course's own download name <学号>_<练习>.csv with a date-shaped 学号
            i, comp, cand = taken[0]
            notes = [] if i == 0 else [f"学号取自文件夹名“{comp}”"]
            if known:
                return cand, [*notes, f"学号 {cand} 也像日期或时间，不在名单上，按学号处理（名单外）；如果它不是学号，"
                                      "请在文件名里写上学号后再批改"]
            return cand, [*notes, f"学号 {cand} 也像日期或时间，按学号处理；如果它不是学号，"
                                  "请提供全班名单（网页里填“全班名单”，命令行用 --roster）"]
        return None, []
    if known:
        for i, comp, cands in _own_name_first(found, known, names):
            for cand in cands:
                if cand.upper() in known:
                    notes = [] if i == 0 else [f"学号取自文件夹名“{comp}”"]
                    others = [c for _i, _c, cs in found for c in cs if c != cand]
                    if others and _has_own_name(comp, cand, names) and any(c.upper() in known for c in others):
                        notes.append(f"路径里有名单上的多个学号（{'、'.join([cand, *others][:4])}），按学号和姓名一致的"
                                     f"“{comp}”认定为 {cand}")
                    elif others:
                        notes.append(f"路径里有多个像学号的编号（{'、'.join([cand, *others][:4])}），按名单认定为 {cand}")
                    return cand, [*notes, *_name_clash(comp, cand, names)]
    i, comp, cands = found[0]
    notes = [] if i == 0 else [f"学号取自文件夹名“{comp}”"]
    if len(cands) > 1:
        notes.append(f"文件名里有多个像学号的编号（{'、'.join(cands[:4])}），取了第一个 {cands[0]}；提供全班名单（网页里填“全班名单”，命令行用 --roster）可按名单认定")
    return cands[0], notes


def _shape(student: str) -> tuple[str, int]:
    """(letter prefix, number of digits) of a 学号: 2024003 and 2023015 have one shape, an upload number 38812 another."""
    text = _nfkc(student).upper()
    return re.sub(r"[^A-Z].*", "", text), sum(ch.isdigit() for ch in text)


def _has_own_name(comp: str, student: str, names: StudentNames) -> bool:
    name = _key(names.get(student, ""))
    return len(name) >= 2 and name in _key(comp)


def _own_name_first(found: list[tuple[int, str, list[str]]], known: set[str], names: StudentNames,
                    ) -> list[tuple[int, str, list[str]]]:
    """``found`` with a component that holds a roster 学号 together with that student's own name first: when the
    file name (``2024007_rfm.csv``) and the platform's folder (``2024008_吴十/``) name two roster students, the
    folder that agrees with the roster is who handed it in (a copy then shows as 疑似抄袭, not as 2024007's)."""
    first = next((c for _i, _c, cs in found for c in cs if c.upper() in known), None)
    agree = [f for f in found if any(c.upper() in known and c != first and _has_own_name(f[1], c, names) for c in f[2])]
    return agree + [f for f in found if f not in agree] if agree else found


def _by_name(comps: list[str], names: StudentNames) -> tuple[str | None, list[str]] | None:
    """(学号, notes) from the first component (file name first) that holds a roster name, or None."""
    by_name = names.index
    for i, comp in enumerate(comps):
        text = _key(comp)
        hits = [n for n in by_name if n in text]
        hits = [n for n in hits if not any(n != m and n in m for m in hits)]  # 张三 inside 张三丰 is 张三丰
        if not hits:
            continue
        where = "" if i == 0 else f"（取自文件夹名“{comp}”）"
        if len(hits) == 1 and len(by_name[hits[0]]) == 1:
            sid = by_name[hits[0]][0]
            return sid, [f"学号按名单上的姓名“{names[sid]}”认定为 {sid}{where}"]
        if len(hits) == 1:
            return None, [f"名单上有 {len(by_name[hits[0]])} 位“{names[by_name[hits[0]][0]]}”"
                          f"（{'、'.join(by_name[hits[0]])}），按姓名无法认定学号；请在文件名里写上学号后再批改"]
        return None, [f"文件名里有名单上的多个姓名（{'、'.join(names[by_name[n][0]] for n in hits[:3])}），"
                      "按姓名无法认定学号；请在文件名里写上学号后再批改"]
    return None


def _name_clash(comp: str, student: str, names: StudentNames) -> list[str]:
    """A note when the component of the 学号 holds another roster student's name (a file handed in for someone
    else, or a 学号 mistyped)."""
    own = names.get(student, "")
    other = _by_name([comp], names)
    if not own or other is None or other[0] in (None, student) or _key(own) in _key(comp):
        return []
    return [f"文件名里的姓名“{names[other[0]]}”与名单上 {student} 的姓名“{own}”不一致，请核对"]


def _key(text: str) -> str:
    return re.sub(r"\s+", "", _nfkc(text)).lower()


def _spaced(text: str) -> str:
    return re.sub(r"\s+", " ", _nfkc(text)).lower()


def find_exercise(path: str, names: Mapping[str, Iterable[str]]) -> tuple[str | None, list[str]]:
    """(exercise id, notes): ``names`` maps each id to its title and aliases."""
    for i, comp in enumerate(_components(path)):
        text, spaced = _key(comp), _spaced(comp)
        best: tuple[int, str, str] | None = None
        for ex_id, words in names.items():
            spellings = _id_spellings(ex_id)
            for word in (*spellings, *words):
                if word in spellings:  # an id: a whole word (spaces kept, so "2024001 rfm" has one)
                    w = _spaced(word)
                    if w not in spaced or not _bounded(spaced, w):
                        continue
                else:  # a title or alias: spaces do not matter ("RFM 客户分层" = "RFM客户分层")
                    w = _key(word)
                    if not w or w not in text:
                        continue
                if best is None or len(w) > best[0]:
                    best = (len(w), ex_id, word)
        if best is not None:
            _n, ex_id, word = best
            notes = []
            if word != ex_id:
                notes.append(f"练习按名称“{word}”认定为 {ex_id}")
            if i > 0:
                notes.append(f"练习取自文件夹名“{comp}”")
            return ex_id, notes
    return None, []


def is_exercise_name(text: str, ex_id: str, words: Iterable[str]) -> bool:
    """Whether ``text`` is, as a whole, one spelling of the exercise: its id as students retype it, its title or an
    alias (spaces and case aside) — not a longer text that merely contains one (``--exercise old_customers``)."""
    return _key(text) in {_key(w) for w in (*_id_spellings(ex_id), *words) if w}


def _id_spellings(ex_id: str) -> tuple[str, ...]:
    """An id as students retype it: ``old-customers``, ``old_customers``, ``oldcustomers``, ``old customers``."""
    return tuple(dict.fromkeys(ex_id.replace("-", sep) for sep in ("-", "_", "", " ")))


def _bounded(text: str, word: str) -> bool:
    """``word`` occurs in ``text`` not glued to other Latin letters, nor on its left to letters through a
    hyphen: ``customers`` is not found in ``goldcustomers`` or ``new-customers``; ``old-customers`` is in
    ``2024001-old-customers``, ``2024001old-customers`` and ``old-customers-v2``."""
    def glued(i: int, step: int) -> bool:
        if not 0 <= i < len(text):
            return False
        if text[i] == "-" and step < 0:
            i += step
            return 0 <= i < len(text) and text[i].isascii() and text[i].isalpha()
        return text[i].isascii() and text[i].isalpha()

    return any(not glued(m.start() - 1, -1) and not glued(m.end(), 1) for m in re.finditer(re.escape(word), text))


def identify(path: str, names: Mapping[str, Iterable[str]], roster: Iterable[str] = (),
             student_names: Mapping[str, str] | None = None) -> Identity:
    """学号, exercise and notes for a submission at ``path`` (``student_names``: the roster's 学号 → 姓名)."""
    student, s_notes = find_student(path, roster, student_names)
    exercise, e_notes = find_exercise(path, names)
    if student is None and s_notes:  # a name the roster has twice: the line says why, instead of "no 学号"
        return Identity(None, exercise, [], e_notes, student_error=s_notes[0])
    return Identity(student, exercise, s_notes, e_notes)


def parse_name(name: str, exercise_ids: Iterable[str]) -> tuple[str | None, str | None]:
    """``(学号, exercise id)`` from a path by ids alone (no titles, no roster)."""
    ident = identify(name, {ex: () for ex in exercise_ids})
    return ident.student, ident.exercise


__all__ = ["MIN_DIGITS", "STUDENT_ID_PATTERN", "Identity", "StudentNames", "find_exercise", "find_student", "identify", "is_exercise_name",
           "parse_name", "split_name",
           "student_candidates"]
