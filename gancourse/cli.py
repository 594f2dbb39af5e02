"""The gancourse command: check (students), grade (teachers), make-exercises (authors).

Run gancourse --help or gancourse COMMAND --help; python -m gancourse is the same.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

__all__ = ["main"]

REPO = Path(__file__).resolve().parents[1]


def _limits(args):
    from .grading.sandbox import Limits

    return Limits(cell_seconds=args.cell_timeout, call_seconds=args.call_timeout,
                  submission_seconds=args.submission_timeout, memory_mb=args.memory_mb)


def _add_limit_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lecture", help="the lecture: 2, 02, gan_game or 02_gan_game (default: "
                                     "from the notebooks' metadata or names)")
    p.add_argument("--cell-timeout", type=float, default=30.0, metavar="S",
                   help="seconds one notebook cell may run (default 30)")
    p.add_argument("--call-timeout", type=float, default=20.0, metavar="S",
                   help="seconds one call of a graded function may run (default 20)")
    p.add_argument("--submission-timeout", type=float, default=180.0, metavar="S",
                   help="seconds for everything of one submission (default 180)")
    p.add_argument("--memory-mb", type=int, default=4096, metavar="MB",
                   help="memory limit of a submission's process (default 4096; Linux)")


def _forbidden(extra: list[Path]) -> list[str]:
    """Paths a submission's process may not read: solutions, tests and the given ones."""
    paths = [REPO / "solutions", REPO / "tests", *extra]
    return [str(p.resolve()) for p in paths]


def _lecture(value: str | None, registry) -> str | None:
    """``--lecture`` as the registry spells it ("2", "02", "gan_game" all give "02"); None if
    not given. Raises ValueError naming the lectures that have graded exercises."""
    return None if value is None else registry.lecture_named(value)


def cmd_check(args) -> int:
    from .grading.checks import load_registry
    from .grading.grader import feedback_text, grade_submission
    from .grading.notebook import Submission

    path = Path(args.notebook)
    if not path.is_file():
        return _usage_error(f"NOTEBOOK must be an existing .ipynb or .py file, got {path}")
    registry = load_registry()
    try:
        args.lecture = _lecture(args.lecture, registry)
    except ValueError as exc:
        return _usage_error(str(exc))
    result = grade_submission(Submission(path.stem, path), registry,
                              lecture=args.lecture, limits=_limits(args),
                              forbidden=_forbidden([]), include_hidden=False)
    if not result.checks:
        print("\n".join(result.notes) or "no graded exercises found")
        return 1
    print(feedback_text(result), end="")
    return 0 if all(c.status == "passed" for c in result.checks) else 1


def cmd_grade(args) -> int:
    from .grading.checks import load_registry
    from .grading.gradebook import TEACHER_FOLDER, prepare_output_dir, write_reports
    from .grading.grader import batch_lecture, grade_all
    from .grading.notebook import find_submissions
    from .grading.shards import parse_shard, select_shard

    out = Path(args.out)
    if args.jobs < 1:
        return _usage_error(f"--jobs must be at least 1, got {args.jobs}")
    try:
        registry = load_registry(args.tests)
        lecture = _lecture(args.lecture, registry)
        subs, ignored = find_submissions(args.submissions)
        if not subs:
            return _usage_error("no submissions found in the given paths")
        lecture = lecture or batch_lecture(subs, registry)  # of the whole class
        if args.shard:
            i, n = parse_shard(args.shard)
            everyone = len(subs)
            subs = select_shard(subs, i, n)
            print(f"Shard {i}/{n}: {len(subs)} of the class's {everyone} submission(s).")
        prepare_output_dir(out, lecture)
    except (ValueError, FileNotFoundError, OSError) as exc:
        return _usage_error(str(exc))
    for path in ignored:
        print(f"ignored (not a notebook): {path}")
    forbidden = _forbidden([out, *(Path(p) for p in args.submissions)]
                           + ([Path(args.tests)] if args.tests else []))
    start = time.perf_counter()
    warnings: list[str] = []

    def progress(res):
        print(f"  {res.student:<24} {res.score:6g} / {res.max_score:g}", flush=True)
        warnings.extend(f"{res.student}: {n}" for n in res.notes
                        if n.startswith(("several notebooks", "this looks like", "a folder")))

    print(f"Grading {len(subs)} submission(s) of lecture {registry.label(lecture)} with "
          f"{args.jobs} job(s) ...")
    results = grade_all(subs, registry, lecture=lecture, jobs=args.jobs,
                        limits=_limits(args), forbidden=forbidden, progress=progress)
    summary = write_reports(results, out)
    for line in warnings:
        print(f"warning: {line}")
    print(f"Done in {time.perf_counter() - start:.1f} s. Gradebook: {out / 'gradebook.csv'} "
          f"({len(summary['added'])} added, {len(summary['regraded'])} re-graded, "
          f"{len(summary['kept'])} kept from earlier runs; changes in {out / 'changes.log'}).")
    if results:
        print(_usage_line(results, args.memory_mb))
    if args.tests:
        print(f"Hidden tests' messages, for you only: {out / TEACHER_FOLDER}/")
    return 0


def _usage_line(results, memory_mb: int) -> str:
    """The slowest submission and the one that took most memory: what sizes --jobs and the
    limits for the next class."""
    slowest = max(results, key=lambda r: r.seconds)
    line = f"Slowest submission: {slowest.student} ({slowest.seconds:.1f} s)"
    measured = [r for r in results if r.peak_mb is not None]
    if measured:
        largest = max(measured, key=lambda r: r.peak_mb)
        line += (f"; most memory: {largest.student} ({largest.peak_mb:.0f} MB peak resident, "
                 f"of the {memory_mb} MB limit per submission)")
    return line + "."


def cmd_merge(args) -> int:
    from .grading.shards import merge_outputs

    try:
        summary = merge_outputs([Path(p) for p in args.shards], Path(args.out))
    except (ValueError, OSError) as exc:
        return _usage_error(str(exc))
    print(f"Merged {len(args.shards)} folder(s) into {Path(args.out) / 'gradebook.csv'} "
          f"({len(summary['added'])} added, {len(summary['regraded'])} re-graded, "
          f"{len(summary['kept'])} kept from earlier runs).")
    return 0


def cmd_similarity(args) -> int:
    from .grading.checks import load_registry
    from .grading.grader import batch_lecture
    from .grading.notebook import find_submissions
    from .grading.similarity import similarity_report, write_report

    if args.top < 1:
        return _usage_error(f"--top must be at least 1, got {args.top}")
    try:
        registry = load_registry()
        subs, _ = find_submissions(args.submissions)
        if len(subs) < 2:
            return _usage_error("a similarity report needs at least two submissions")
        lecture = _lecture(args.lecture, registry) or batch_lecture(subs, registry)
    except (ValueError, FileNotFoundError, OSError) as exc:
        return _usage_error(str(exc))
    functions = [ex.function for ex in registry.for_lecture(lecture)]
    pairs = similarity_report({s.student: s.path for s in subs if s.path}, functions)
    print(f"Lecture {registry.label(lecture)}: {len(subs)} submissions, {len(pairs)} pairs that "
          "wrote a graded function in common. The most alike first; a high score is a reason "
          "to read both notebooks, not a verdict (see gancourse/grading/similarity.py).")
    for rank, p in enumerate(pairs[:args.top], 1):
        print(f"  {rank:3d}. {p.score:5.2f}  {p.first}  /  {p.second}  ({p.shared} shared "
              "5-grams)")
    if args.out:
        write_report(pairs, Path(args.out))
        print(f"All pairs: {args.out}")
    return 0


def cmd_finalize(args) -> int:
    from .grading.adjust import (CANVAS, FINAL, finalize, read_overrides, read_policy,
                                 read_times, write_canvas)

    grades = Path(args.grades)
    if bool(args.policy) != bool(args.times):
        return _usage_error("--policy and --times go together: the late policy needs each "
                            "student's submission time")
    if args.assignment and not args.canvas:
        return _usage_error("--assignment names the Canvas column; give --canvas ROSTER too")
    try:
        final = finalize(grades, read_overrides(Path(args.overrides)) if args.overrides else None,
                         read_policy(Path(args.policy)) if args.policy else None,
                         read_times(Path(args.times)) if args.times else None)
        unmatched = []
        if args.canvas:
            unmatched = write_canvas(final, Path(args.canvas),
                                     args.assignment or "GAN course exercises",
                                     grades / CANVAS)
    except (ValueError, OSError) as exc:
        return _usage_error(str(exc))
    changed = sum(1 for row in final if row["audit"])
    print(f"Final scores: {grades / FINAL} ({len(final)} students, {changed} adjusted; the "
          "audit column says how).")
    if args.canvas:
        print(f"For Canvas (Grades > Import): {grades / CANVAS}")
        for student in unmatched:
            print(f"warning: no Canvas row for {student!r}; their score is not in canvas.csv")
    return 0


def cmd_gradescope(args) -> int:
    from .grading.checks import load_registry
    from .grading.gradescope import build_zip

    try:
        registry = load_registry(args.tests)
        lecture = _lecture(args.lecture, registry)
        if lecture is None or not registry.for_lecture(lecture):
            return _usage_error(f"lecture {args.lecture!r} has no graded exercises")
        out = build_zip(lecture, Path(args.out), tests=Path(args.tests) if args.tests else None)
    except (ValueError, OSError, subprocess.CalledProcessError) as exc:
        return _usage_error(str(exc))
    print(f"Wrote {out}: Gradescope's autograder for lecture {registry.label(lecture)}. Upload "
          "it on the assignment's Configure Autograder page (Ubuntu base image).")
    return 0


def cmd_make_exercises(args) -> int:
    from .grading.generate import MarkerError, make_all

    root = Path(args.root)
    if not (root / "solutions").is_dir():
        return _usage_error(f"--root must hold a solutions/ folder, got {root}")
    try:
        changed = make_all(root, check=args.check)
    except MarkerError as exc:
        return _usage_error(str(exc))
    for path in changed:
        print(("differs: " if args.check else "wrote: ") + str(path))
    if args.check and changed:
        print("Exercises are out of date: run `gancourse make-exercises`.")
        return 1
    return 0


def _usage_error(message: str) -> int:
    print(f"gancourse: error: {message}", file=sys.stderr)
    return 2


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(prog="gancourse", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"gancourse {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("check", help="run the public checks of one exercise notebook",
                       description="Run the public checks of one exercise notebook in a "
                                   "separate process and print passed / failed / error per "
                                   "check. Exit code 0 when all pass, 1 otherwise.")
    p.add_argument("notebook", help="your exercise notebook (.ipynb or .py)")
    _add_limit_options(p)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("grade", help="grade a class: notebooks or folders of them",
                       description="Grade submissions (notebook files, or folders: one student "
                                   "per notebook or sub-folder) of one lecture. Writes "
                                   "OUT/gradebook.csv, per student feedback.txt and a "
                                   "Gradescope-style results.json, and OUT/teacher-only/ with "
                                   "the hidden tests' messages. Grading into a folder of an "
                                   "earlier run merges by student: the newest grading of a "
                                   "student counts, other rows stay, OUT/changes.log lists "
                                   "what changed. Submissions are only read, never changed.")
    p.add_argument("submissions", nargs="+", help="notebooks or folders of them")
    p.add_argument("--out", required=True, help="output folder: new, empty, or one that earlier "
                                                "runs of the same lecture wrote (rows are "
                                                "merged by student; changes.log says what "
                                                "changed)")
    p.add_argument("--jobs", type=int, default=1, help="submissions graded in parallel")
    p.add_argument("--tests", help="folder of hidden tests (.py files defining register(reg))")
    p.add_argument("--shard", metavar="I/N",
                   help="grade only shard I of N (1 <= I <= N) of the class, chosen by a hash "
                        "of each student's name, into its own --out; `gancourse merge` "
                        "combines the N folders")
    _add_limit_options(p)
    p.set_defaults(func=cmd_grade)

    p = sub.add_parser("merge", help="merge the output folders of sharded grading runs",
                       description="Combine the output folders of `gancourse grade --shard "
                                   "I/N` runs (one per shard, same lecture) into one: the "
                                   "same gradebook, feedback and teacher-only files that one "
                                   "run over the whole class writes. --out may hold earlier "
                                   "grades of the lecture: they are merged by student.")
    p.add_argument("shards", nargs="+", help="the shards' output folders")
    p.add_argument("--out", required=True, help="output folder: new, empty, or earlier grades "
                                                "of the same lecture")
    p.set_defaults(func=cmd_merge)

    p = sub.add_parser("similarity", help="rank pairs of submissions by how alike their "
                                          "graded functions are (for the teacher to read)",
                       description="Rank every pair of a class's submissions by how alike "
                                   "their graded functions are, after removing docstrings, "
                                   "comments, layout and names, and leaving out what most of "
                                   "the class shares. A table to read, never a verdict.")
    p.add_argument("submissions", nargs="+", help="notebooks or folders of them")
    p.add_argument("--lecture", help="the lecture (default: the one most notebooks belong to)")
    p.add_argument("--top", type=int, default=10, help="pairs to print (default: 10)")
    p.add_argument("--out", help="write every pair, ranked, to this CSV file (e.g. "
                                 "grades/teacher-only/similarity.csv)")
    p.set_defaults(func=cmd_similarity)

    p = sub.add_parser("finalize", help="apply overrides and late penalties; export for Canvas",
                       description="Read GRADES/gradebook.csv (unchanged) and write "
                                   "GRADES/final.csv: the automatic total, manual overrides, "
                                   "the late penalty and the final score, with an audit "
                                   "column. With --canvas, also GRADES/canvas.csv for "
                                   "Canvas's gradebook import. File formats: see "
                                   "gancourse/grading/adjust.py or the README.")
    p.add_argument("grades", help="the output folder of gancourse grade (or merge)")
    p.add_argument("--overrides", help="CSV: student, exercise (an id or total), points, reason")
    p.add_argument("--policy", help="INI file with a [late] section (deadline, grace_minutes, "
                                    "penalty_per_day, max_days)")
    p.add_argument("--times", help="CSV: student, submitted (ISO 8601 with time zone)")
    p.add_argument("--canvas", metavar="ROSTER", help="the gradebook CSV exported from Canvas")
    p.add_argument("--assignment", help="the Canvas column to fill (default: 'GAN course "
                                        "exercises'; use the assignment's name as Canvas "
                                        "shows it, e.g. 'Lecture 02 (12345)')")
    p.set_defaults(func=cmd_finalize)

    p = sub.add_parser("gradescope", help="write a Gradescope autograder zip for a lecture",
                       description="Write the zip for Gradescope's Configure Autograder page: "
                                   "setup.sh (torch's CPU build and the course), "
                                   "run_autograder (always writes results.json; student code "
                                   "runs as an unprivileged user), the course's wheel, and "
                                   "the hidden tests, readable by root alone.")
    p.add_argument("lecture", help="the lecture: 2, 02, gan_game or 02_gan_game")
    p.add_argument("--out", required=True, help="the zip to write, e.g. autograder.zip")
    p.add_argument("--tests", help="folder of hidden tests (.py files defining register(reg))")
    p.set_defaults(func=cmd_gradescope)

    p = sub.add_parser("make-exercises", help="generate exercises/ from solutions/",
                       description="Write exercises/NN_topic.py from solutions/NN_topic.py, "
                                   "replacing each ### BEGIN/END SOLUTION region by a stub.")
    p.add_argument("--root", default=".", help="course folder (default: current folder)")
    p.add_argument("--check", action="store_true",
                   help="only report exercise files that are out of date (exit 1 if any)")
    p.set_defaults(func=cmd_make_exercises)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
