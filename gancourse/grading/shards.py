"""Grading a large class in shards: ``gancourse grade ... --shard i/N`` grades a fixed 1/N of
the class into its own output folder, and ``gancourse merge`` combines the folders into the
gradebook that one run over the whole class writes.

A student's shard is decided by a hash of their name (the name the grader gives them: the
notebook's file name or their folder), so it never depends on who else handed in: a late
submission lands in the same shard whichever day it is graded, and N machines (a Slurm array,
a Kubernetes indexed Job, ``xargs -P``) each grade their part without talking to each other.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import unicodedata
from pathlib import Path

from .gradebook import (CHANGES, GRADEBOOK, TEACHER_FOLDER, gradebook_lecture, read_rows,
                        folder_name, prepare_output_dir, write_gradebook)
from .notebook import GRADER_MARKER

__all__ = ["parse_shard", "shard_of", "select_shard", "merge_outputs"]


def parse_shard(text: str) -> tuple[int, int]:
    """``"2/3"`` -> ``(2, 3)``; ValueError naming ``--shard`` otherwise."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", str(text))
    if not match:
        raise ValueError(f"--shard must be I/N, like 2/3 (the second of three), got {text!r}")
    i, n = int(match.group(1)), int(match.group(2))
    if not 1 <= i <= n:
        raise ValueError(f"--shard I/N needs 1 <= I <= N, got {text!r}")
    return i, n


def shard_of(student: str, n: int) -> int:
    """The shard (1..n) of ``student``: a hash of the name, so the same for every run."""
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    key = unicodedata.normalize("NFC", student).encode("utf-8")
    return 1 + int(hashlib.sha256(key).hexdigest(), 16) % n


def select_shard(subs: list, i: int, n: int) -> list:
    """The submissions of shard ``i`` of ``n`` (their ``.student`` decides)."""
    return [s for s in subs if shard_of(s.student, n) == i]


def _shard_lecture(folder: Path) -> str:
    if not (folder / GRADER_MARKER).exists() or not (folder / GRADEBOOK).is_file():
        raise ValueError(f"{folder} is not an output folder of `gancourse grade` (no "
                         f"{GRADEBOOK} written by it)")
    lecture = gradebook_lecture(folder)
    if lecture is None:
        raise ValueError(f"{folder}: cannot tell which lecture its gradebook is for")
    return lecture


def merge_outputs(shards: list[Path], out: Path) -> dict[str, list[str]]:
    """Merge the output folders of ``gancourse grade --shard`` runs into ``out`` (new, empty,
    or earlier grades of the same lecture, which are kept and updated as a grading run would).

    Returns ``{"added": [...], "regraded": [...], "kept": [...]}`` like a grading run.

    Raises:
        ValueError: a folder is not a grading output, the folders hold different lectures, a
            student appears in two of them, or ``out`` is one of them.
    """
    shards = [Path(s) for s in shards]
    if not shards:
        raise ValueError("merge needs at least one shard folder")
    out = Path(out)
    lectures = {s: _shard_lecture(s) for s in shards}
    if len(set(lectures.values())) > 1:
        listing = ", ".join(f"{s} (lecture {lec})" for s, lec in lectures.items())
        raise ValueError(f"the shard folders hold different lectures: {listing}")
    if any(out.resolve() == s.resolve() for s in shards):
        raise ValueError(f"--out {out} is one of the shard folders: merge into a new folder")
    owner: dict[str, Path] = {}
    incoming: list[tuple[Path, dict[str, str]]] = []
    header: list[str] = []
    for shard in shards:
        fields, rows = read_rows(shard / GRADEBOOK)
        header += [f for f in fields if f not in header]
        for student, row in rows.items():
            if student in owner:
                raise ValueError(f"student {student!r} is graded in both {owner[student]} and "
                                 f"{shard}: shards of one class never overlap")
            owner[student] = shard
            incoming.append((shard, row))
    lecture = next(iter(lectures.values()))
    prepare_output_dir(out, lecture)
    old_header, old_rows = read_rows(out / GRADEBOOK)
    ids = [h for h in [*old_header, *header] if re.fullmatch(r"\d\d\.\d+", h)]
    ids = list(dict.fromkeys(ids))
    rows = dict(old_rows)
    taken = {r.get("folder") or folder_name(s) for s, r in old_rows.items()}
    added, regraded = [], []
    for shard, row in incoming:
        student = row["student"]
        source = row.get("folder") or folder_name(student)
        old = old_rows.get(student)
        folder = (old or {}).get("folder") or ""
        if not folder:
            folder, n = source, 2
            while folder in taken:
                folder, n = f"{source}-{n}", n + 1
            taken.add(folder)
        _copy_student(shard, source, out, folder)
        rows[student] = {**row, "folder": folder}
        (regraded if old else added).append(student)
    write_gradebook(out, ids, rows)
    with (out / CHANGES).open("a", encoding="utf-8") as log:
        for shard in shards:
            if (shard / CHANGES).is_file():
                log.write((shard / CHANGES).read_text(encoding="utf-8"))
    kept = sorted(set(old_rows) - set(owner))
    return {"added": added, "regraded": regraded, "kept": kept}


def _copy_student(shard: Path, source: str, out: Path, folder: str) -> None:
    if (shard / source).is_dir():
        shutil.rmtree(out / folder, ignore_errors=True)
        shutil.copytree(shard / source, out / folder)
    teacher = shard / TEACHER_FOLDER / f"{source}.txt"
    if teacher.is_file():
        (out / TEACHER_FOLDER).mkdir(exist_ok=True)
        shutil.copy2(teacher, out / TEACHER_FOLDER / f"{folder}.txt")

