"""A teacher's adjustments to a graded lecture, and the export for an LMS.

``gancourse finalize GRADES`` reads ``GRADES/gradebook.csv`` (never changing it) and writes:

* ``GRADES/final.csv``: per student the automatic total, the manual overrides, the late
  penalty, the final score, and an ``audit`` column that says what changed it and why;
* ``GRADES/canvas.csv`` (with ``--canvas ROSTER``): the final scores in Canvas's gradebook
  import format, filled into the roster Canvas exported.

**Overrides** (``--overrides FILE``) are a CSV with the columns ``student, exercise, points,
reason``: the exercise's points become ``points`` (an exercise id such as ``01.2``, or
``total`` for the whole score).

**Late penalties** (``--policy FILE``, with ``--times FILE``): a small INI file::

    [late]
    deadline = 2026-12-10T23:59:00+01:00
    grace_minutes = 15        ; submissions this late count as on time
    penalty_per_day = 10      ; percent of the maximum taken per started day after that
    max_days = 5              ; later than this: 0 points

and a CSV of submission times with the columns ``student, submitted`` (ISO 8601 with a time
zone, as Gradescope and LMS exports give them).
"""

from __future__ import annotations

import configparser
import csv
import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from .gradebook import GRADEBOOK, read_rows

__all__ = ["LatePolicy", "read_policy", "read_overrides", "read_times", "finalize",
           "write_canvas"]

FINAL = "final.csv"
CANVAS = "canvas.csv"
_CANVAS_FIXED = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]


@dataclass(frozen=True)
class LatePolicy:
    deadline: datetime
    grace: timedelta = timedelta(0)
    penalty_per_day: float = 0.0  # percent of the maximum
    max_days: int | None = None

    def penalty(self, submitted: datetime, max_points: float) -> tuple[float, int]:
        """Points taken for a submission at ``submitted``, and the started days late."""
        late = submitted - self.deadline - self.grace
        if late <= timedelta(0):
            return 0.0, 0
        days = math.ceil(late / timedelta(days=1))
        if self.max_days is not None and days > self.max_days:
            return max_points, days
        return min(max_points, max_points * self.penalty_per_day / 100 * days), days


def _when(text: str, what: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as err:
        raise ValueError(f"{what} must be a date and time in ISO 8601, like "
                         f"2026-12-10T23:59:00+01:00, got {text!r}") from err
    if moment.tzinfo is None:
        raise ValueError(f"{what} must say its time zone (like +01:00 or Z), got {text!r}")
    return moment


def read_policy(path: Path) -> LatePolicy:
    """The ``[late]`` section of the INI file at ``path``."""
    parser = configparser.ConfigParser(inline_comment_prefixes=(";", "#"))
    if not parser.read(path, encoding="utf-8") or "late" not in parser:
        raise ValueError(f"--policy {path} needs a [late] section with a deadline")
    late = parser["late"]
    unknown = set(late) - {"deadline", "grace_minutes", "penalty_per_day", "max_days"}
    if unknown:
        raise ValueError(f"--policy {path}: unknown setting(s) {sorted(unknown)}; expected "
                         "deadline, grace_minutes, penalty_per_day, max_days")
    if "deadline" not in late:
        raise ValueError(f"--policy {path}: [late] needs a deadline")
    try:
        grace = float(late.get("grace_minutes", "0"))
        per_day = float(late.get("penalty_per_day", "0"))
        max_days = int(late["max_days"]) if "max_days" in late else None
    except ValueError as err:
        raise ValueError(f"--policy {path}: grace_minutes and penalty_per_day must be numbers "
                         f"and max_days a whole number ({err})") from err
    if grace < 0 or not 0 <= per_day <= 100 or (max_days is not None and max_days < 0):
        raise ValueError(f"--policy {path}: expected grace_minutes >= 0, 0 <= penalty_per_day "
                         "<= 100 and max_days >= 0")
    return LatePolicy(_when(late["deadline"], f"--policy {path}: deadline"),
                      timedelta(minutes=grace), per_day, max_days)


def _csv(path: Path, columns: list[str], option: str) -> list[dict[str, str]]:
    with Path(path).open(newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{option} {path} needs the columns {', '.join(columns)}; "
                             f"missing: {', '.join(missing)}")
        return [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]


def read_overrides(path: Path) -> list[dict[str, str]]:
    """The rows of an overrides CSV (student, exercise, points, reason)."""
    rows = _csv(path, ["student", "exercise", "points", "reason"], "--overrides")
    for n, row in enumerate(rows, 2):
        try:
            float(row["points"])
        except ValueError:
            raise ValueError(f"--overrides {path}, line {n}: points must be a number, got "
                             f"{row['points']!r}") from None
        if not row["reason"]:
            raise ValueError(f"--overrides {path}, line {n}: say why in the reason column")
    return rows


def read_times(path: Path) -> dict[str, datetime]:
    """Submission times (student -> aware datetime) from a CSV (student, submitted)."""
    return {row["student"]: _when(row["submitted"], f"--times {path}, {row['student']}")
            for row in _csv(path, ["student", "submitted"], "--times")}


def finalize(grades: Path, overrides: list[dict[str, str]] | None = None,
             policy: LatePolicy | None = None, times: dict[str, datetime] | None = None
             ) -> list[dict[str, str]]:
    """The final rows of ``grades/gradebook.csv`` after overrides and the late penalty, with
    the audit trail; written to ``grades/final.csv`` and returned.

    Raises:
        ValueError: an override names a student or exercise the gradebook lacks, or a late
            policy is given without a submission time for a student.
    """
    grades = Path(grades)
    header, rows = read_rows(grades / GRADEBOOK)
    if not rows:
        raise ValueError(f"{grades} has no {GRADEBOOK} with students: grade the class first")
    ids = [h for h in header if re.fullmatch(r"\d\d\.\d+", h)]
    points = {s: {i: float(r[i] or 0) for i in ids} for s, r in rows.items()}
    totals = {s: None for s in rows}  # a "total" override replaces the sum
    audit: dict[str, list[str]] = {s: [] for s in rows}
    for row in overrides or []:
        student, exercise = row["student"], row["exercise"]
        if student not in rows:
            raise ValueError(f"override for {student!r}: no such student in the gradebook")
        value = float(row["points"])
        if exercise == "total":
            old = totals[student] if totals[student] is not None else sum(points[student].values())
            totals[student] = value
        elif exercise in ids:
            old = points[student][exercise]
            points[student][exercise] = value
        else:
            raise ValueError(f"override for {student!r}: no exercise {exercise!r} (expected "
                             f"one of {', '.join(ids)} or total)")
        audit[student].append(f"{exercise}: {old:g} -> {value:g} ({row['reason']})")
    final = []
    for student, row in sorted(rows.items(), key=lambda kv: kv[0].casefold()):
        maximum = float(row["max"])
        adjusted = totals[student] if totals[student] is not None else \
            sum(points[student].values())
        penalty = 0.0
        if policy is not None:
            if not times or student not in times:
                raise ValueError(f"no submission time for {student!r} in --times")
            penalty, days = policy.penalty(times[student], maximum)
            if penalty:
                audit[student].append(f"late by {days} started day(s): -{penalty:g}")
        score = max(0.0, adjusted - penalty)
        final.append({"student": student, "automatic": row["total"],
                      **{i: f"{points[student][i]:g}" for i in ids},
                      "late penalty": f"{penalty:g}", "final": f"{score:g}",
                      "max": row["max"], "audit": "; ".join(audit[student])})
    with (grades / FINAL).open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, ["student", "automatic", *ids, "late penalty", "final",
                                    "max", "audit"])
        writer.writeheader()
        writer.writerows(final)
    return final


def write_canvas(final: list[dict[str, str]], roster: Path, assignment: str, out: Path
                 ) -> list[str]:
    """Fill the column ``assignment`` of the Canvas gradebook export ``roster`` with the
    final scores and write it to ``out`` for Canvas's gradebook import. A course student is
    matched to a Canvas row by SIS Login ID, then SIS User ID, then the Student name (case
    and spacing ignored). Returns the course's students with no Canvas row."""
    with Path(roster).open(newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        header = next(reader, [])
        body = list(reader)
    missing = [c for c in _CANVAS_FIXED if c not in header]
    if missing:
        raise ValueError(f"--canvas {roster} is not a Canvas gradebook export: missing the "
                         f"column(s) {', '.join(missing)}")
    if assignment not in header:
        header = [*header, assignment]
        body = [[*r, ""] for r in body]
    col = header.index(assignment)
    keys = [header.index(c) for c in ("SIS Login ID", "SIS User ID", "Student")]

    def norm(text: str) -> str:
        return " ".join(text.casefold().split())

    index: dict[str, int] = {}
    for n, r in enumerate(body):
        if r and r[0].strip() in ("Points Possible", "Student, Test"):
            if r[0].strip() == "Points Possible" and final:
                r[col] = final[0]["max"]
            continue
        for k in keys:
            if k < len(r) and r[k].strip():
                index.setdefault(norm(r[k]), n)
    unmatched = []
    for row in final:
        n = index.get(norm(row["student"]))
        if n is None:
            unmatched.append(row["student"])
        else:
            body[n][col] = row["final"]
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    with Path(out).open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(body)
    return unmatched
