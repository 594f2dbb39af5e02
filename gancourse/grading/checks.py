"""How graded checks are written: exercises, checks, and the helpers they use.

A lecture's checks live in ``gancourse/grading/lectures/lNN.py`` and a teacher's hidden tests
in files of their own; both define ``register(reg)``::

    def register(reg: Registry) -> None:
        ex = reg.exercise("01.1", function="gaussian_log_likelihood",
                          title="Gaussian log-likelihood")

        @ex.check(points=1, name="matches the formula on 50 points")
        def _(call):
            x = np.linspace(-2, 2, 50)
            expect_close(call(x, 0.5, 1.2), reference(x, 0.5, 1.2), what="the log-likelihood")

A check receives ``call``, which runs the student's function *in the submission's process*
and returns its result as plain data (arrays as NumPy, tensors as :class:`TensorArray`). The
expected values are computed here, in the grader, and compared here. A check passes unless it
raises :class:`CheckFailed` (the helpers below do) or the student's function fails.
"""

from __future__ import annotations

import contextlib
import importlib
import pkgutil
import runpy
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .plain import TensorArray, describe
from .sandbox import Reply

__all__ = ["Registry", "Exercise", "Check", "CheckFailed", "SubmissionFailed", "expect_close",
           "expect_raises", "expect_true", "expect_tensor", "load_registry"]


class CheckFailed(AssertionError):
    """A check's expectation was not met; the message is shown to the student."""


class SubmissionFailed(Exception):
    """The student's function raised, timed out or is missing; carries the worker's reply."""

    def __init__(self, reply: Reply):
        self.reply = reply
        super().__init__(reply.error)


Caller = Callable[..., Any]


@dataclass
class Check:
    name: str
    points: float
    run: Callable[[Caller], None]
    hidden: bool = False


@dataclass
class Exercise:
    lecture: str
    id: str
    function: str
    title: str
    uses_course: bool = False  # may call gancourse (an experiment); else NumPy and torch only
    checks: list[Check] = field(default_factory=list)
    _hidden_mode: list[bool] = field(default_factory=lambda: [False], repr=False)

    @property
    def points(self) -> float:
        return sum(c.points for c in self.checks)

    def check(self, points: float = 1.0, name: str | None = None):
        """Decorator adding a check worth ``points`` to this exercise."""
        def decorate(fn: Callable[[Caller], None]) -> Callable[[Caller], None]:
            label = name or (fn.__doc__ or fn.__name__).strip().splitlines()[0]
            self.checks.append(Check(label, float(points), fn, hidden=self._hidden_mode[0]))
            return fn
        return decorate


class Registry:
    """All exercises known to one grading run, by lecture and id."""

    def __init__(self):
        self.exercises: dict[str, Exercise] = {}
        self.topics: dict[str, str] = {}  # lecture -> topic, e.g. "01" -> "mle_and_kl"
        self._hidden = [False]

    def exercise(self, exercise_id: str, *, function: str, title: str = "",
                 uses_course: bool = False) -> Exercise:
        """Create (or, from hidden tests, extend) exercise ``exercise_id`` ("NN.k": exercise k
        of lecture NN -- the lecture number is written only there).

        ``uses_course``: the exercise is an experiment built on the course's code. Otherwise the
        student writes the function with NumPy and torch, and one that calls a ``gancourse``
        function (other than the set-up helpers in :data:`.reach.ALLOWED`) scores 0.
        """
        lecture, dot, number = str(exercise_id).partition(".")
        if not (len(lecture) == 2 and lecture.isdigit() and dot and number.isdigit()):
            raise ValueError(f"exercise_id must be 'NN.k' (lecture NN, exercise k), e.g. "
                             f"'01.1', got {exercise_id!r}")
        if exercise_id in self.exercises:
            ex = self.exercises[exercise_id]
            if ex.function != function:
                raise ValueError(f"exercise {exercise_id} grades {ex.function!r}, "
                                 f"not {function!r}")
            return ex
        if not title:
            raise ValueError(f"title must name the new exercise {exercise_id}")
        ex = Exercise(lecture, exercise_id, function, title, uses_course,
                      _hidden_mode=self._hidden)
        self.exercises[exercise_id] = ex
        return ex

    def for_lecture(self, lecture: str) -> list[Exercise]:
        return [ex for ex in self.exercises.values() if ex.lecture == lecture]

    @property
    def lectures(self) -> list[str]:
        return sorted({ex.lecture for ex in self.exercises.values()})

    def label(self, lecture: str) -> str:
        """``"01 (mle_and_kl)"``: a lecture as the notebooks' names show it."""
        topic = self.topics.get(lecture)
        return f"{lecture} ({topic})" if topic else lecture

    def lecture_named(self, name: str) -> str:
        """The lecture that ``name`` means: ``2``, ``02``, ``gan_game`` or ``02_gan_game``.

        Raises:
            ValueError: naming the lectures with graded exercises.
        """
        text = str(name).strip()
        for lecture in self.lectures:
            topic = self.topics.get(lecture, "")
            if text.isdigit() and text.zfill(2) == lecture or text in (lecture, topic,
                                                                          f"{lecture}_{topic}"):
                return lecture
        known = ", ".join(self.label(lec) for lec in self.lectures)
        raise ValueError(f"--lecture must be one of {known} (a number or a topic; the lectures "
                         f"with graded exercises), got {name!r}")

    @contextlib.contextmanager
    def hidden(self) -> Iterator[None]:
        """Checks added inside this block are hidden tests (not run by ``gancourse check``)."""
        self._hidden[0] = True
        try:
            yield
        finally:
            self._hidden[0] = False


def load_registry(tests_dir: str | Path | None = None) -> Registry:
    """The public checks of every lecture, plus hidden tests from ``tests_dir`` if given."""
    from . import lectures

    reg = Registry()
    for info in sorted(pkgutil.iter_modules(lectures.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{lectures.__name__}.{info.name}")
        before = set(reg.exercises)
        module.register(reg)
        lecture = info.name.removeprefix("l")
        strays = sorted(i for i in set(reg.exercises) - before if not i.startswith(lecture + "."))
        if strays:
            raise ValueError(f"{info.name}.py registers {', '.join(strays)}: a lecture's module "
                             f"holds only its own exercises ({lecture}.k)")
        reg.topics[lecture] = getattr(module, "TOPIC", "")
    if tests_dir is not None:
        tests_dir = Path(tests_dir)
        if not tests_dir.is_dir():
            raise ValueError(f"--tests must be a folder of .py files, got {tests_dir}")
        with reg.hidden():
            for path in sorted(tests_dir.glob("*.py")):
                module = runpy.run_path(str(path))
                if "register" not in module:
                    raise ValueError(f"hidden test file {path} defines no register(reg) function")
                module["register"](reg)
    return reg


# --------------------------------------------------------------------------- helpers


def expect_true(condition: bool, message: str) -> None:
    """Fail with ``message`` unless ``condition`` holds."""
    if not condition:
        raise CheckFailed(message)


def expect_raises(call: Caller, *args, error: str = "ValueError", mentions: str = "") -> None:
    """Fail unless ``call(*args)`` raises ``error`` with ``mentions`` in its message.

    A function that is not implemented yet still scores "not implemented", not "failed".
    """
    try:
        got = call(*args)
    except SubmissionFailed as exc:  # the grader's worker reply, or the notebook's own call
        reply = exc.reply
        if reply.not_implemented or reply.timed_out or reply.crashed:
            raise
        expect_true(reply.error_type == error,
                    f"expected a {error}, but the function raised {reply.error_type}: "
                    f"{reply.error[:200]}")
        expect_true(mentions in reply.error,
                    f"the {error} should name {mentions!r} so that the user knows what to fix; "
                    f"its message was: {reply.error[:200]}")
        return
    raise CheckFailed(f"expected a {error}, but the function returned {describe(got)}")


def expect_tensor(got: Any, what: str = "the result") -> None:
    """Fail unless the student's function returned a torch tensor."""
    expect_true(isinstance(got, TensorArray),
                f"{what} should be a torch tensor, got {describe(got)}")


def expect_close(got: Any, expected: Any, *, what: str = "the result", rtol: float = 1e-6,
                 atol: float = 1e-8, shape: bool = True) -> None:
    """Compare numbers or arrays (or tuples of them) with a message that helps.

    The message says what was compared, the expected and obtained values (or the first
    mismatching entry), and catches wrong types, shapes, NaN and infinities separately.
    """
    if isinstance(expected, tuple):
        expect_true(isinstance(got, (tuple, list)) and len(got) == len(expected),
                    f"{what} should be a tuple of {len(expected)} values, got {describe(got)}")
        for i, (g, e) in enumerate(zip(got, expected)):
            expect_close(g, e, what=f"{what}[{i}]", rtol=rtol, atol=atol, shape=shape)
        return
    exp = np.asarray(expected, dtype=float)
    try:
        arr = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        raise CheckFailed(f"{what} should be a number or array, got {describe(got)}") from None
    if arr.dtype == object:
        raise CheckFailed(f"{what} should be a number or array, got {describe(got)}")
    if shape and arr.shape != exp.shape:
        raise CheckFailed(f"{what} has shape {arr.shape}, expected shape {exp.shape}")
    if not shape:
        arr, exp = np.broadcast_arrays(arr.reshape(-1), exp.reshape(-1)) if arr.size == exp.size \
            else (arr, exp)
        if arr.shape != exp.shape:
            raise CheckFailed(f"{what} has {arr.size} values, expected {exp.size}")
    bad_nan = np.isnan(arr) & ~np.isnan(exp)
    if bad_nan.any():
        raise CheckFailed(f"{what} contains NaN where a number was expected"
                          + _where(bad_nan, arr, exp))
    same_inf = np.isinf(exp) & (arr == exp)
    close = np.isclose(arr, exp, rtol=rtol, atol=atol) | same_inf | (np.isnan(arr) & np.isnan(exp))
    if not close.all():
        raise CheckFailed(f"{what} is wrong" + _where(~close, arr, exp))


def _where(mask: np.ndarray, got: np.ndarray, exp: np.ndarray) -> str:
    if got.ndim == 0:
        return f": expected {float(exp):.6g}, got {float(got):.6g}"
    idx = tuple(int(i) for i in np.argwhere(mask)[0])
    return (f" at index {idx} ({int(mask.sum())} of {mask.size} entries differ): "
            f"expected {float(exp[idx]):.6g}, got {float(got[idx]):.6g}")
