"""Grading: one submission and a whole class (:mod:`.gradebook` writes what they receive)."""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .checks import CheckFailed, Exercise, Registry, SubmissionFailed
from .notebook import NotebookError, Submission, detect_lecture, read_code_cells
from .plain import decode
from .reach import ALLOWED
from .sandbox import ForkServer, Limits, Reply, Sandbox

__all__ = ["CheckResult", "SubmissionResult", "grade_submission", "grade_all", "batch_lecture",
           "feedback_text"]

MAX_RESTARTS = 3


@dataclass
class CheckResult:
    exercise: str
    name: str
    points: float
    max_points: float
    status: str  # "passed", "failed", "error", "not implemented"
    message: str = ""
    hidden: bool = False


@dataclass
class SubmissionResult:
    student: str
    path: str
    lecture: str | None
    checks: list[CheckResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    output: str = ""
    seconds: float = 0.0  # wall time of grading it (Gradescope's execution_time)
    peak_mb: float | None = None  # peak resident memory of its process (None: not measured)

    @property
    def score(self) -> float:
        return sum(c.points for c in self.checks)

    @property
    def max_score(self) -> float:
        return sum(c.max_points for c in self.checks)

    def exercise_points(self, exercise_id: str) -> float:
        return sum(c.points for c in self.checks if c.exercise == exercise_id)


# --------------------------------------------------------------------------- one submission


class _Runner:
    """Runs a submission's cells in a sandbox, restarting it (without the cells that hung or
    killed it) when needed."""

    def __init__(self, cells: list[str], limits: Limits, forbidden: list[str], notes: list[str],
                 server: ForkServer | None):
        self.cells, self.notes = cells, notes
        self.sandbox = Sandbox(limits, forbidden, server)
        self.skip: set[int] = set()
        self.restarts = 0
        self.output: list[str] = []
        self.cell_errors: dict[int, Reply] = {}
        self.broken: set[str] = set()  # functions that hung or killed the process once

    def start(self) -> bool:
        """(Re)start and run all cells not skipped; False if no usable process remains."""
        while self.restarts <= MAX_RESTARTS and self.sandbox.time_left() > 0:
            self.restarts += 1
            ready = self.sandbox.start()
            if not ready.ok:
                self.notes.append(f"the grading process did not start: {ready.error}")
                return False
            for i, code in enumerate(self.cells):
                if i in self.skip:
                    continue
                reply = self.sandbox.exec_cell(i + 1, code)
                if reply.output and self.restarts == 1:
                    self.output.append(f"--- cell {i + 1} ---\n{reply.output}")
                if reply.timed_out or reply.crashed:
                    self.skip.add(i)
                    self.notes.append(f"code cell {i + 1} was skipped: {reply.error}")
                    break
                if not reply.ok and i not in self.cell_errors:
                    self.cell_errors[i] = reply
            else:
                return True
        if self.sandbox.time_left() <= 0:
            self.notes.append("the submission used up its total time limit")
        return False

    def reach(self, name: str) -> list[str]:
        """The course functions (not allowed ones) that ``name`` refers to; [] if none or
        when the process cannot tell (the checks then report what is wrong)."""
        if name in self.broken or (not self.sandbox.alive and not self.start()):
            return []
        reply = self.sandbox.reach(name)
        if not reply.ok or not isinstance(reply.value, list):
            return []
        return [n for n in reply.value if isinstance(n, str) and n not in ALLOWED]

    def caller(self, name: str):
        runner = self

        def call(*args, seed: int = 0):
            return runner._call(name, list(args), None, seed).value

        def with_grad(*args, wrt: list[int], seed: int = 0):
            reply = runner._call(name, list(args), wrt, seed)
            return reply.value, reply.grads

        call.with_grad = with_grad
        return call

    def _call(self, name: str, args: list, wrt: list[int] | None, seed: int) -> Reply:
        if name in self.broken:  # do not wait out the same limit or crash again
            raise SubmissionFailed(Reply(ok=False, crashed=True, error_type="Crashed",
                                         error=f"{name} was not called again: an earlier call "
                                               "ran past the time limit or stopped the process"))
        if not self.sandbox.alive and not self.start():
            raise SubmissionFailed(Reply(ok=False, crashed=True, error_type="Crashed",
                                         error="the submission's process could not be run"))
        reply = self.sandbox.call(name, args, grad_wrt=wrt, seed=seed)
        if reply.timed_out or reply.crashed:
            self.broken.add(name)
        if not reply.ok:
            raise SubmissionFailed(reply)
        reply.value, reply.grads = decode({"value": reply.value, "grads": reply.grads})
        return reply


class _Cells:
    """Where things happened in a submission, said as the student sees the notebook: a code
    cell by its number and first line, a line within it, and for a ``.py`` file its line."""

    IMPORT_ERRORS = ("ImportError", "ModuleNotFoundError")

    def __init__(self, path: Path, cells: list[str], errors: dict[int, Reply]):
        self.cells, self.errors, self.name = cells, errors, path.name
        self.text = path.read_text(encoding="utf-8", errors="replace") \
            if path.suffix == ".py" else ""
        self.failed_import = next((i for i, r in sorted(errors.items())
                                   if r.error_type in self.IMPORT_ERRORS), None)

    def place(self, i: int, line: int | None = None) -> str:
        first = next((ln.strip() for ln in self.cells[i].splitlines() if ln.strip()), "")
        where = f"code cell {i + 1}, which begins `{first[:60]}`"
        if line is None:
            return where
        start = self.text.find(self.cells[i]) if self.text and self.cells[i].strip() else -1
        if start >= 0:
            return f"line {self.text.count(chr(10), 0, start) + line} of {self.name} ({where})"
        return f"line {line} of {where}"

    def error(self, i: int) -> str:
        r = self.errors[i]
        shown = f"\n    {r.source_line.strip()}" if r.source_line.strip() else ""
        return f"{self.place(i, r.line)}: {r.error_type}: {r.error}{shown}"

    def notes(self) -> list[str]:
        """One note per cell that raised, except NameErrors that an earlier failure caused
        (a failed import, or a function whose cell did not run): those are one note."""
        notes, followers = [], []
        for i in sorted(self.errors):
            cause = self._cause_of(i)
            if cause is not None:
                followers.append((i, cause))
                continue
            notes.append(f"error at {self.error(i)}"[:600])
        for cause in sorted({c for _, c in followers}):
            cells = ", ".join(str(i + 1) for i, c in followers if c == cause)
            notes.append(f"code cell(s) {cells} then failed with NameError, because code cell "
                         f"{cause + 1} failed")
        return notes

    def _cause_of(self, i: int) -> int | None:
        """The earlier failed cell that a NameError in cell ``i`` follows from, if any."""
        if self.errors[i].error_type != "NameError":
            return None
        if self.failed_import is not None and self.failed_import < i:
            return self.failed_import
        missing = re.search(r"name '(\w+)' is not defined", self.errors[i].error)
        j = self.defining(missing.group(1)) if missing else None
        return j if j is not None and j < i and j in self.errors else None

    def defining(self, function: str) -> int | None:
        pattern = re.compile(rf"^\s*def\s+{re.escape(function)}\s*\(", re.M)
        return next((i for i, c in enumerate(self.cells) if pattern.search(c)), None)


def failure_message(reply: Reply, function: str, cells: _Cells | None = None
                    ) -> tuple[str, str]:
    """(status, message) for a failed call of ``function``: one message that names the real
    cause (with ``cells``, the notebook's own failure that caused it). The self-check in the
    notebook uses it too, so both say the same."""
    if reply.not_implemented:
        return "not implemented", f"{function} is not implemented yet"
    if reply.error_type == "MissingFunction":
        i = cells.defining(function) if cells else None
        if i is not None and i in cells.errors:
            return "error", f"{function} could not be defined: error at {cells.error(i)}"
        if cells and cells.failed_import is not None:
            return "error", (f"{function} is not defined: the notebook stopped early, at "
                             f"{cells.error(cells.failed_import)}")
        return "error", f"no function named {function} is defined in the notebook"
    if reply.error_type == "NameError" and cells and cells.failed_import is not None:
        return "error", (f"{function} could not run ({reply.error}) because an import failed: "
                         f"{cells.error(cells.failed_import)}")
    if reply.error_type == "GradientProblem":
        return "error", f"the gradient of {function}'s result could not be taken: {reply.error}"
    if reply.error_type == "Exit":
        return "error", f"{function} stopped the grading: {reply.error}"
    if reply.timed_out:
        return "error", f"{function} {reply.error}"
    if reply.crashed:
        return "error", reply.error
    if reply.error_type == "UnsupportedValue":
        return "error", f"{function} returned a value that cannot be graded: {reply.error}"
    last = reply.traceback.strip().splitlines()[-3:] if reply.traceback else []
    detail = ("\n    " + "\n    ".join(last)) if last else ""
    if "backward through the graph a second time" in reply.error:
        detail += ("\n    (in a GAN this usually means that the discriminator's step "
                   "backpropagated into the generator: detach G(z) there)")
    return "error", f"{function} raised {reply.error_type}: {reply.error}{detail}"


def used_course_message(ex: Exercise, names: list[str]) -> str:
    return (f"{ex.function} calls the course's own {', '.join(names)}: exercise {ex.id} asks you "
            "to write it yourself with NumPy and PyTorch, so it scores 0 until that call is "
            "gone")


def _zero(exercises: list[Exercise], status: str, message: str, *,
          include_hidden: bool) -> list[CheckResult]:
    return [CheckResult(ex.id, c.name, 0.0, c.points, status, message, c.hidden)
            for ex in exercises for c in ex.checks if include_hidden or not c.hidden]


def grade_submission(sub: Submission, registry: Registry, *, lecture: str | None = None,
                     limits: Limits | None = None, forbidden: list[str] | None = None,
                     include_hidden: bool = True, server: ForkServer | None = None
                     ) -> SubmissionResult:
    """Grade one submission. Never raises for anything the submission does.

    ``lecture`` is the batch's lecture: every submission of a batch is graded on it, so every
    row has the same maximum, and a notebook of another lecture scores 0 with a note saying
    which lecture it looks like. Without it, the lecture comes from the notebook.
    ``server`` (shared by a batch) saves the start-up of a fresh Python per submission.
    """
    lecture = lecture or None
    limits = limits or Limits()
    result = SubmissionResult(sub.student, str(sub.path or ""), lecture, notes=list(sub.notes))
    if sub.path is None:
        result.notes.append(sub.problem or "no notebook found")
        return _with_all_zero(result, registry, lecture, include_hidden, result.notes[-1])
    try:
        cells, metadata = read_code_cells(sub.path)
    except NotebookError as exc:
        result.notes.append(str(exc))
        return _with_all_zero(result, registry, lecture or detect_lecture(sub.path, {}),
                              include_hidden, str(exc))
    own = detect_lecture(sub.path, metadata)
    if lecture and own and own != lecture and registry.for_lecture(own):
        reason = (f"this looks like exercises {registry.label(own)}, not lecture "
                  f"{registry.label(lecture)}: it was not graded (hand in the lecture "
                  f"{lecture} notebook)")
        result.notes.append(reason)
        return _with_all_zero(result, registry, lecture, include_hidden, reason)
    result.lecture = lecture = lecture or own
    exercises = registry.for_lecture(lecture) if lecture else []
    if not exercises:
        result.notes.append(f"cannot tell which lecture {sub.path.name} belongs to, or it has no "
                            "graded exercises (name it like 01_topic.ipynb or pass --lecture)")
        return result

    runner = _Runner(cells, limits, list(forbidden or []), result.notes, server)
    try:
        runner.start()
        where = _Cells(sub.path, cells, runner.cell_errors)
        result.notes.extend(where.notes())
        for ex in exercises:
            used = [] if ex.uses_course else runner.reach(ex.function)
            if used:
                result.checks += _zero([ex], "error", used_course_message(ex, used),
                                       include_hidden=include_hidden)
                continue
            call = runner.caller(ex.function)
            for check in ex.checks:
                if check.hidden and not include_hidden:
                    continue
                result.checks.append(_run_check(ex, check, call, where))
    finally:
        runner.sandbox.close()
        result.peak_mb = runner.sandbox.peak_mb
    result.output = "\n".join(runner.output)[-5000:]
    return result


def _run_check(ex: Exercise, check, call, cells: _Cells | None = None) -> CheckResult:
    base = dict(exercise=ex.id, name=check.name, max_points=check.points, hidden=check.hidden)
    try:
        check.run(call)
    except SubmissionFailed as exc:
        status, message = failure_message(exc.reply, ex.function, cells)
        return CheckResult(points=0.0, status=status, message=message, **base)
    except CheckFailed as exc:
        return CheckResult(points=0.0, status="failed", message=str(exc), **base)
    except Exception as exc:  # noqa: BLE001 - a value the check could not handle
        return CheckResult(points=0.0, status="failed",
                           message=f"the result could not be checked ({type(exc).__name__}: "
                                   f"{str(exc)[:200]})", **base)
    return CheckResult(points=check.points, status="passed", **base)


def _with_all_zero(result: SubmissionResult, registry: Registry, lecture: str | None,
                   include_hidden: bool, reason: str) -> SubmissionResult:
    if lecture:
        result.lecture = lecture
        result.checks = _zero(registry.for_lecture(lecture), "error", reason,
                              include_hidden=include_hidden)
    return result


# --------------------------------------------------------------------------- a class


def grade_all(subs: list[Submission], registry: Registry, *, lecture: str, jobs: int = 1,
              limits: Limits | None = None, forbidden: list[str] | None = None,
              progress=None) -> list[SubmissionResult]:
    """Grade every submission on ``lecture``, ``jobs`` at a time; results in the order of
    ``subs`` (:func:`batch_lecture` finds the lecture of a class)."""
    limits = limits or Limits()
    server = ForkServer(limits.start_seconds)

    def one(sub: Submission) -> SubmissionResult:
        start = time.perf_counter()
        try:
            res = grade_submission(sub, registry, lecture=lecture, limits=limits,
                                   forbidden=forbidden, server=server)
        except Exception as exc:  # noqa: BLE001 - one grader failure must not stop the batch
            res = SubmissionResult(sub.student, str(sub.path or ""), lecture,
                                   notes=[f"internal grader error: {type(exc).__name__}: {exc}"])
            res.checks = _zero(registry.for_lecture(lecture), "error", res.notes[0],
                               include_hidden=True)
        res.seconds = time.perf_counter() - start
        if progress is not None:
            progress(res)
        return res

    try:
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            return list(pool.map(one, subs))
    finally:
        server.close()


def batch_lecture(subs: list[Submission], registry: Registry) -> str:
    """The lecture most submissions of a class belong to (from their metadata or names).

    Raises:
        ValueError: when no submission tells, or two lectures are equally common; the message
            says to pass ``--lecture``.
    """
    counts: dict[str, int] = {}
    for sub in subs:
        if sub.path is None:
            continue
        try:
            _, metadata = read_code_cells(sub.path)
        except NotebookError:
            metadata = {}
        found = detect_lecture(sub.path, metadata)
        if found and registry.for_lecture(found):
            counts[found] = counts.get(found, 0) + 1
    if not counts:
        raise ValueError("cannot tell which lecture these submissions belong to (no notebook "
                         "names it): pass --lecture, e.g. --lecture 01")
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        seen = ", ".join(f"lecture {k}: {v}" for k, v in ranked)
        raise ValueError(f"the submissions belong to different lectures ({seen}): pass "
                         "--lecture to say which one this batch grades")
    return ranked[0][0]


# --------------------------------------------------------------------------- reports


def feedback_text(res: SubmissionResult, *, show_hidden_messages: bool = False) -> str:
    """Human-readable feedback for one submission."""
    marks = {"passed": "PASS", "failed": "FAIL", "error": "ERROR", "not implemented": "TODO"}
    lines = [f"Feedback for {res.student}" + (f" (lecture {res.lecture})" if res.lecture else ""),
             f"Score: {res.score:g} / {res.max_score:g}", ""]
    if res.notes:  # first: what went wrong in the notebook itself, the cause of what follows
        lines += ["About the notebook:"] + [f"  - {n}" for n in res.notes] + [""]
    current = None
    for c in res.checks:
        if c.exercise != current:
            current = c.exercise
            lines.append(f"Exercise {c.exercise}")
        label = "hidden test" if c.hidden and not show_hidden_messages else c.name
        lines.append(f"  [{marks[c.status]}] {label} ({c.points:g}/{c.max_points:g})")
        if c.message and (not c.hidden or show_hidden_messages or c.status != "failed"):
            lines.extend("      " + ln for ln in c.message.splitlines())
    if res.output:
        lines += ["", "What the notebook printed (last part):", res.output]
    return "\n".join(lines) + "\n"
