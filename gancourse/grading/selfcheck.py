"""``check(exercise_id, function)``: the self-check cell under each exercise, and ``summary``.

``check`` runs the exercise's public checks on the student's function right in the notebook and
prints one line per check: PASS, FAIL (with what was expected), ERROR, or TODO for an exercise
not attempted yet. It never raises for a wrong answer, so "Run All" goes on to the next
exercise; each call of the student's function has the grader's time limit, so an endless loop
ends with a message instead of hanging the kernel. ``summary(lecture)`` in the last cell lists
every exercise of the lecture with its result in this session, and raises only when a check
failed, so that a wrong answer still ends the run with a visible error.

Messages are made by the grader's own code (:func:`.grader.failure_message`), so a student
sees the same verdict here as in ``gancourse check``. While ``gancourse grade`` runs a notebook
(``GANCOURSE_GRADING=1``) both calls do nothing: grading runs the checks itself, outside.
"""

from __future__ import annotations

import contextlib
import copy
import os
import signal
import threading
from typing import Any, Callable, Iterator

from .checks import CheckFailed, SubmissionFailed, load_registry
from .grader import failure_message, used_course_message
from .plain import decode, invoke, to_plain
from .reach import ALLOWED, course_names
from .sandbox import Limits, Reply

__all__ = ["check", "summary", "overview"]

# What check() found in this kernel, by exercise id: "passed", "failed" or "todo". The summary
# cell reads it; it lives as long as the kernel, like the student's own variables.
_RESULTS: dict[str, str] = {}


class CallTimeout(BaseException):
    """The student's function ran past the time limit (a BaseException, so that a bare
    ``except Exception`` in the student's code does not swallow it)."""


@contextlib.contextmanager
def _time_limit(seconds: float | None) -> Iterator[None]:
    """Interrupt the block after ``seconds`` (POSIX main thread; elsewhere no limit)."""
    usable = (seconds and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def interrupt(_signum, _frame):
        raise CallTimeout(f"stopped after the {seconds:g} s time limit (an endless loop, or "
                          "far too much work?)")

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class _LocalFailure(SubmissionFailed):
    """The student's function raised in the notebook: the same failure the grader would see."""

    def __init__(self, exc: BaseException):
        self.exc = exc
        timed_out = isinstance(exc, CallTimeout)
        super().__init__(Reply(ok=False, error_type="Timeout" if timed_out else
                               type(exc).__name__, error=str(exc), timed_out=timed_out))


def _local_caller(fn: Callable, seconds: float | None) -> Callable:
    """Call ``fn`` exactly as the grader's worker does (:func:`.plain.invoke`), here in the
    kernel and with a time limit: the same arguments, seed, result and gradients."""
    def run(call):
        with _time_limit(seconds):
            return call()

    def with_grad(*args, wrt: list[int] | None, seed: int = 0):
        try:
            message = invoke(fn, to_plain(copy.deepcopy(list(args))), seed=seed, grad_wrt=wrt,
                             run=run)
        except (Exception, CallTimeout) as exc:  # noqa: BLE001
            raise _LocalFailure(exc) from exc
        return decode(message)

    def call(*args, seed: int = 0):
        return with_grad(*args, wrt=None, seed=seed)[0]

    call.with_grad = with_grad
    return call


def check(exercise_id: str, function: Callable[..., Any], *,
          time_limit: float | None = None) -> bool | None:
    """Run the public checks of ``exercise_id`` on ``function`` and print the verdicts.

    Returns True when all pass, False otherwise (never raises for a wrong answer).
    ``time_limit``: seconds per call of ``function`` (default: the grader's call limit).
    """
    if os.environ.get("GANCOURSE_GRADING") == "1":
        return None
    registry = load_registry()
    if exercise_id not in registry.exercises:
        raise ValueError(f"exercise_id {exercise_id!r} is not a known exercise; known: "
                         f"{', '.join(sorted(registry.exercises))}")
    ex = registry.exercises[exercise_id]
    if not callable(function):
        raise ValueError(f"function must be the function you wrote for {exercise_id}, "
                         f"got {type(function).__name__}")
    print(f"Exercise {ex.id} - {ex.title} ({ex.points:g} point{'s' if ex.points != 1 else ''})")
    used = [] if ex.uses_course else [n for n in course_names(function) if n not in ALLOWED]
    if used:
        print(f"  [ERROR] {used_course_message(ex, used)}")
        _RESULTS[ex.id] = "failed"
        return False
    seconds = Limits().call_seconds if time_limit is None else time_limit
    call = _local_caller(function, seconds)
    public = [c for c in ex.checks if not c.hidden]
    failed = 0
    for c in public:
        try:
            c.run(call)
        except _LocalFailure as wrapped:
            status, message = failure_message(wrapped.reply, ex.function)
            if status == "not implemented":
                print(f"  [TODO] not implemented yet - write your code in {ex.function} "
                      "and run this cell again")
                _RESULTS[ex.id] = "todo"
                return False
            failed += 1
            print(f"  [ERROR] {c.name}: {message}")
        except CheckFailed as exc:
            failed += 1
            print(f"  [FAIL] {c.name}: {exc}")
        else:
            print(f"  [PASS] {c.name}")
    _RESULTS[ex.id] = "failed" if failed else "passed"
    if failed:
        print(f"  {failed} of {len(public)} checks failed: fix {ex.function} and run this cell "
              "again.")
        return False
    print(f"  All {len(public)} public checks passed.")
    return True


def overview(lecture: str) -> list[tuple[str, str, str, float]]:
    """Print the exercises of ``lecture``: id, title, the function to write, and points.

    The points are those of the graded checks (the registry), so they are written in one
    place. Returns the rows ``(id, title, function, points)``.
    """
    registry = load_registry()
    lecture = registry.lecture_named(lecture)
    rows = [(ex.id, ex.title, ex.function, ex.points) for ex in registry.for_lecture(lecture)]
    width = max(len(title) for _, title, _, _ in rows)
    fn_width = max(len(function) for _, _, function, _ in rows)
    print(f"Exercises {registry.label(lecture)}: {sum(r[3] for r in rows):g} points")
    for exercise_id, title, function, points in rows:
        print(f"  {exercise_id}  {title:<{width}}  {function:<{fn_width}}  {points:g} "
              f"point{'s' if points != 1 else ''}")
    return rows


def summary(lecture: str) -> dict[str, str] | None:
    """Print every exercise of ``lecture`` with its result in this session; return them.

    Raises AssertionError (after printing) when a check failed, so that "Run All" ends with a
    visible error; exercises not attempted yet only show TODO.
    """
    if os.environ.get("GANCOURSE_GRADING") == "1":
        return None
    registry = load_registry()
    lecture = registry.lecture_named(lecture)
    marks = {"passed": "PASS", "failed": "FAIL", "todo": "TODO"}
    found = {}
    print(f"Exercises {registry.label(lecture)}: results in this session")
    for ex in registry.for_lecture(lecture):
        status = _RESULTS.get(ex.id, "not run")
        found[ex.id] = status
        public = sum(c.points for c in ex.checks if not c.hidden)
        print(f"  [{marks.get(status, 'NOT RUN')}] {ex.id} {ex.title} ({public:g} points)")
    failing = [i for i, s in found.items() if s == "failed"]
    done = sum(s == "passed" for s in found.values())
    print(f"  {done} of {len(found)} exercises pass their public checks.")
    if failing:
        raise AssertionError(f"exercise(s) {', '.join(failing)} failed a check: see the "
                             "messages under each one")
    return found
