"""Exercise notebooks are generated from solution notebooks.

In ``solutions/NN_topic.py`` each graded function's body holds its solution between two marker
lines::

    def gaussian_log_likelihood(x, mu, sigma):
        \"\"\"Docstring with Inputs/Returns and shapes (kept).\"\"\"
        # a hint, kept
        ### BEGIN SOLUTION
        return ...
        ### END SOLUTION

:func:`make_exercise` replaces each marked region with a ``raise NotImplementedError`` at the
marker's indentation; everything else (signature, docstring, hints, self-check cells) is kept
verbatim. ``gancourse make-exercises`` writes ``exercises/`` from ``solutions/``; with
``--check`` it only reports files that differ (a test runs that).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from pathlib import Path

__all__ = ["make_exercise", "make_all", "MarkerError"]

BEGIN = re.compile(r"^(\s*)### BEGIN SOLUTION\s*$")
END = re.compile(r"^\s*### END SOLUTION\s*$")
STUB = 'raise NotImplementedError("write your solution here")'


class MarkerError(ValueError):
    """Unbalanced or nested solution markers."""


def make_exercise(source: str, name: str = "<solution>", *,
                  solved: Collection[int] = ()) -> str:
    """The exercise version of a solution notebook's text.

    ``solved`` numbers marked regions (0 for the first) whose solution is kept, markers
    dropped: a partly done exercise, as a student hands it in (the grading benchmark's class).
    """
    out: list[str] = []
    inside_from = None
    region, keep = -1, False
    for number, line in enumerate(source.splitlines(keepends=True), start=1):
        begin, end = BEGIN.match(line), END.match(line)
        if begin:
            if inside_from is not None:
                raise MarkerError(f"{name}:{number}: BEGIN SOLUTION inside the region opened "
                                  f"at line {inside_from}")
            inside_from, region = number, region + 1
            keep = region in solved
            if not keep:
                out.append(f"{begin.group(1)}{STUB}\n")
        elif end:
            if inside_from is None:
                raise MarkerError(f"{name}:{number}: END SOLUTION without BEGIN SOLUTION")
            inside_from = None
        elif inside_from is None or keep:
            out.append(line)
    if inside_from is not None:
        raise MarkerError(f"{name}:{inside_from}: BEGIN SOLUTION is never closed")
    return "".join(out)


def make_all(root: str | Path, *, check: bool = False) -> list[Path]:
    """Generate ``exercises/X.py`` for every ``solutions/X.py`` under ``root``.

    Returns the exercise files that were (with ``check``: that would be) changed.
    """
    root = Path(root)
    changed = []
    for solution in sorted((root / "solutions").glob("[0-9]*.py")):
        target = root / "exercises" / solution.name
        text = make_exercise(solution.read_text(encoding="utf-8"), str(solution))
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            changed.append(target)
            if not check:
                target.parent.mkdir(exist_ok=True)
                target.write_text(text, encoding="utf-8")
    return changed
