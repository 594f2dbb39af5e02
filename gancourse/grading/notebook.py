"""Reading submissions: notebook files into code cells, and paths into (student, file) pairs.

A submission is an ``.ipynb`` notebook or a jupytext ``.py`` (percent format). The student id
is the file's name without extension -- unless the file is named like a course notebook
(``01_mle_and_kl.ipynb``), in which case it is the name of the folder holding it. A folder given
on the command line is a class: each notebook file in it, and each sub-folder, is one student.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Submission", "NotebookError", "find_submissions", "read_code_cells", "detect_lecture"]

NOTEBOOK_SUFFIXES = (".ipynb", ".py")
GRADER_MARKER = ".gancourse-grades"  # written by the grader into its output folders
COURSE_NAME = re.compile(r"^(\d\d)_")


class NotebookError(ValueError):
    """The file is not a notebook we can read."""


@dataclass
class Submission:
    student: str
    path: Path | None  # None: no notebook was found
    problem: str = ""  # why there is nothing to grade, when path is None
    notes: list[str] = field(default_factory=list)  # e.g. which of several files was graded


def _student_of(path: Path) -> str:
    return path.parent.name if COURSE_NAME.match(path.stem) else path.stem


def _pick(folder: Path, student: str) -> Submission:
    """The notebook in a student's folder: course-named files first (``01_topic``), then .ipynb
    before .py, then by name. When there are several, a note says which one was graded."""
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix in NOTEBOOK_SUFFIXES
                   and not p.name.startswith("."))
    if not files:
        return Submission(student, None, "no .ipynb or .py notebook in the folder")
    files.sort(key=lambda p: (not COURSE_NAME.match(p.stem), p.suffix != ".ipynb", p.name))
    return _graded_one(student, files)


def _graded_one(student: str, files: list[Path]) -> Submission:
    """A submission of ``files[0]``, noting the others that were not graded."""
    sub = Submission(student, files[0])
    if len(files) > 1:
        others = ", ".join(p.name for p in files[1:])
        sub.notes.append(f"several notebooks were handed in; graded {files[0].name} "
                         f"(course-named, .ipynb before .py), not {others}")
    return sub


def find_submissions(paths: list[str | Path]) -> tuple[list[Submission], list[Path]]:
    """Expand command-line paths into submissions; also return the files that were ignored."""
    files: dict[str, list[Path]] = {}  # student -> loose notebook files
    folders: dict[str, Submission] = {}
    ignored: list[Path] = []

    for raw in paths:
        path = Path(raw)
        if path.is_file():
            files.setdefault(_student_of(path), []).append(path)
        elif path.is_dir():
            entries = sorted(path.iterdir())
            if any(COURSE_NAME.match(e.stem) and e.is_file() and e.suffix in NOTEBOOK_SUFFIXES
                   for e in entries) and not any(e.is_dir() for e in entries):
                folders[path.name] = _pick(path, path.name)  # a single student's folder
                continue
            for entry in entries:
                if entry.name.startswith(".") or (entry / GRADER_MARKER).exists():
                    continue  # hidden files, and output folders of earlier grading runs
                if entry.is_dir():
                    folders[entry.name] = _pick(entry, entry.name)
                elif entry.suffix in NOTEBOOK_SUFFIXES:
                    files.setdefault(_student_of(entry), []).append(entry)
                else:
                    ignored.append(entry)
        else:
            raise FileNotFoundError(f"submission path does not exist: {path}")
    found = dict(folders)
    for student, loose in files.items():
        loose.sort(key=lambda p: (p.suffix != ".ipynb", p.name))
        sub = _graded_one(student, loose)
        if student in found:
            sub.notes.append(f"a folder {student}/ was handed in as well; graded {loose[0].name}")
        found[student] = sub
    return sorted(found.values(), key=lambda s: s.student), ignored


def _load(path: Path):
    import jupytext
    import nbformat

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise NotebookError(f"cannot read {path.name}: {exc}") from None
    if not text.strip():
        raise NotebookError(f"{path.name} is empty")
    try:
        if path.suffix == ".ipynb":
            nb = nbformat.reads(text, as_version=4)
        else:
            nb = jupytext.reads(text, fmt="py:percent")
    except Exception as exc:  # noqa: BLE001 - any parser error means "not a notebook"
        raise NotebookError(f"{path.name} is not a valid notebook: "
                            f"{type(exc).__name__}: {str(exc)[:200]}") from None
    if not hasattr(nb, "cells"):
        raise NotebookError(f"{path.name} has no cells")
    return nb


def _strip_magics(source: str) -> str:
    """Comment out IPython-only lines (%magic, !shell), which plain Python cannot run."""
    if source.lstrip().startswith("%%"):
        return ""
    lines = [("# " + ln) if ln.lstrip().startswith(("%", "!")) else ln
             for ln in source.splitlines()]
    return "\n".join(lines)


def read_code_cells(path: Path) -> tuple[list[str], dict]:
    """The code cells of a notebook, in order, and its metadata."""
    nb = _load(path)
    cells = []
    for cell in nb.cells:
        if cell.get("cell_type") == "code":
            source = cell.get("source", "")
            if isinstance(source, list):
                source = "".join(source)
            if not isinstance(source, str):
                raise NotebookError(f"{path.name} has a cell whose source is not text")
            cells.append(_strip_magics(source))
    return cells, dict(nb.get("metadata", {}))


def detect_lecture(path: Path, metadata: dict) -> str | None:
    """The lecture number ('01') from notebook metadata, else from the file name."""
    lecture = (metadata.get("gancourse") or {}).get("lecture")
    if isinstance(lecture, str) and re.fullmatch(r"\d\d", lecture):
        return lecture
    match = COURSE_NAME.match(path.stem)
    return match.group(1) if match else None
