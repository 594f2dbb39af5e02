"""The grading output folder: the gradebook, per-student feedback, and a teacher-only report.

One output folder holds one lecture's grades, built up over as many grading runs as a teacher
needs (the class, then late submissions, then a re-grade). Nothing is ever dropped silently:

* a student graded again gets the new row (the newest grading counts), and ``changes.log``
  records the old and new score and the file graded;
* a student not in this run keeps the row and the feedback folder of the earlier run;
* a batch of another lecture is refused: one folder per lecture.

Layout of ``OUT/``::

    gradebook.csv          student, points per exercise, total, max, folder, file
    changes.log            one line per student added or re-graded, with the time
    NAME/feedback.txt      for the student (hidden tests' messages left out)
    NAME/results.json      Gradescope's results format
    teacher-only/NAME.txt  the same feedback with the hidden tests' messages, for the teacher

``NAME`` keeps the student's name readable (``李 雷`` stays ``李 雷``); only characters that a
file system refuses become ``_``, and the ``folder`` column maps each student to their folder.
"""

from __future__ import annotations

import csv
import json
import re
import time
import unicodedata
from pathlib import Path

from .grader import SubmissionResult, feedback_text
from .notebook import GRADER_MARKER

__all__ = ["prepare_output_dir", "write_reports", "write_gradebook", "read_rows",
           "gradebook_lecture", "results_json", "folder_name", "TEACHER_FOLDER"]

TEACHER_FOLDER = "teacher-only"
GRADEBOOK = "gradebook.csv"
CHANGES = "changes.log"
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')
_RESERVED = {TEACHER_FOLDER.casefold(), "con", "prn", "aux", "nul",
             *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def folder_name(student: str) -> str:
    """A folder name that shows the student's name: only characters a file system refuses
    (path separators, control characters, Windows' ``<>:"|?*``) become ``_``."""
    name = _UNSAFE.sub("_", unicodedata.normalize("NFC", student)).strip().strip(".").strip()
    if not name:
        return "student"
    return name + "_" if name.casefold() in _RESERVED else name


def _read_marker(out: Path) -> dict:
    try:
        data = json.loads((out / GRADER_MARKER).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}  # a marker of an earlier version: plain text


def gradebook_lecture(out: Path) -> str | None:
    """The lecture of an existing gradebook, from its marker or its exercise columns."""
    lecture = _read_marker(out).get("lecture")
    if lecture:
        return str(lecture)
    try:
        with (out / GRADEBOOK).open(newline="", encoding="utf-8") as f:
            header = next(csv.reader(f), [])
    except OSError:
        return None
    found = {h.split(".")[0] for h in header if re.fullmatch(r"\d\d\.\d+", h)}
    return found.pop() if len(found) == 1 else None


def prepare_output_dir(out: Path, lecture: str) -> None:
    """Create ``out``, or accept it when empty or holding earlier grades of ``lecture``.

    Raises:
        ValueError: ``out`` is a file, holds files the grader did not write, or holds the
            grades of another lecture.
    """
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out must be a folder, but {out} is a file")
    if out.is_dir() and any(out.iterdir()):
        if not (out / GRADER_MARKER).exists():
            raise ValueError(f"--out folder {out} holds files the grader did not write; "
                             "choose a new or empty folder so that nothing of yours is "
                             "overwritten")
        earlier = gradebook_lecture(out)
        if earlier is not None and earlier != lecture:
            raise ValueError(f"--out folder {out} holds the grades of lecture {earlier}, and "
                             f"this batch is lecture {lecture}: give each lecture its own "
                             "folder (e.g. --out grades_" + lecture + ")")
    out.mkdir(parents=True, exist_ok=True)
    (out / GRADER_MARKER).write_text(json.dumps({"written_by": "gancourse grade",
                                                 "lecture": lecture}) + "\n", encoding="utf-8")


def results_json(res: SubmissionResult) -> dict:
    """Gradescope's autograder results (gradescope-autograders.readthedocs.io, "Autograder
    Specifications"): only the keys that specification defines.

    Every test is ``visible``, hidden tests included: a student sees every test's points, so
    the score they see adds up, while a hidden test shows only "hidden test" and never its
    message. The score is the sum of the tests' scores; the maximum is the sum of the tests'
    ``max_score`` (the specification has no top-level maximum). ``extra_data`` holds the
    peak resident memory of the submission's process, where it was measured.
    """
    tests = [{"name": f"{c.exercise} {'hidden test' if c.hidden else c.name}",
              "number": c.exercise, "score": c.points, "max_score": c.max_points,
              "status": "passed" if c.status == "passed" else "failed",
              "output": "" if c.hidden else c.message, "visibility": "visible"}
             for c in res.checks]
    results = {"score": res.score, "execution_time": round(res.seconds),
               "output": "\n".join(res.notes), "visibility": "visible",
               "stdout_visibility": "hidden", "tests": tests}
    if res.peak_mb is not None:  # stored by Gradescope, not shown: for the teacher
        results["extra_data"] = {"peak_memory_mb": round(res.peak_mb)}
    return results


def read_rows(path: Path) -> tuple[list[str], dict[str, dict[str, str]]]:
    if not path.is_file():
        return [], {}
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        rows = {row["student"]: row for row in reader if row.get("student")}
        return list(reader.fieldnames or []), rows


def write_reports(results: list[SubmissionResult], out: Path) -> dict[str, list[str]]:
    """Merge ``results`` into ``out``'s gradebook and write each student's files.

    Returns ``{"added": [...], "regraded": [...], "kept": [...]}`` (student names): rows of
    earlier runs for students not graded now are kept as they were.
    """
    gradebook = out / GRADEBOOK
    old_header, old_rows = read_rows(gradebook)
    ids = [h for h in old_header if re.fullmatch(r"\d\d\.\d+", h)]
    for res in results:
        for c in res.checks:
            if c.exercise not in ids:
                ids.append(c.exercise)
    taken = {row.get("folder") or folder_name(s) for s, row in old_rows.items()}
    rows = dict(old_rows)
    added, regraded, log = [], [], []
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    for res in results:
        old = old_rows.get(res.student)
        folder = (old or {}).get("folder") or ""
        if not folder:
            folder, n = folder_name(res.student), 2
            base = folder
            while folder in taken:
                folder, n = f"{base}-{n}", n + 1
            taken.add(folder)
        rows[res.student] = {"student": res.student,
                             **{i: f"{res.exercise_points(i):g}" for i in ids},
                             "total": f"{res.score:g}", "max": f"{res.max_score:g}",
                             "folder": folder, "file": res.path}
        if old is None:
            added.append(res.student)
            log.append(f"{stamp}  added      {res.student}: {res.score:g} / {res.max_score:g}"
                       f" ({res.path})")
        else:
            regraded.append(res.student)
            log.append(f"{stamp}  re-graded  {res.student}: {old.get('total', '?')} / "
                       f"{old.get('max', '?')} -> {res.score:g} / {res.max_score:g} "
                       f"({res.path}; was {old.get('file') or 'unknown file'})")
        _write_student(out, folder, res)
    write_gradebook(out, ids, rows)
    with (out / CHANGES).open("a", encoding="utf-8") as f:
        f.writelines(line + "\n" for line in log)
    kept = sorted(set(old_rows) - {r.student for r in results})
    return {"added": added, "regraded": regraded, "kept": kept}


def write_gradebook(out: Path, ids: list[str], rows: dict[str, dict[str, str]]) -> None:
    """Write ``out``'s gradebook: one row per student (sorted by name), the exercise columns
    ``ids`` in their order."""
    with (out / GRADEBOOK).open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, ["student", *ids, "total", "max", "folder", "file"],
                                restval="", extrasaction="ignore")
        writer.writeheader()
        for student in sorted(rows, key=str.casefold):
            writer.writerow(rows[student])


def _write_student(out: Path, folder: str, res: SubmissionResult) -> None:
    target = out / folder
    target.mkdir(exist_ok=True)
    (target / "feedback.txt").write_text(feedback_text(res), encoding="utf-8")
    (target / "results.json").write_text(json.dumps(results_json(res), indent=2,
                                                    ensure_ascii=False), encoding="utf-8")
    teacher = out / TEACHER_FOLDER
    teacher.mkdir(exist_ok=True)
    (teacher / f"{folder}.txt").write_text(feedback_text(res, show_hidden_messages=True),
                                           encoding="utf-8")
