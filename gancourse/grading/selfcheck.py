"""``check(exercise_id, function)``: the self-check cell at the end of each exercise.

It runs the exercise's public checks on the student's function right in the notebook and prints
one line per check. A wrong answer raises ``AssertionError`` (so "Run all" stops where the
problem is); an exercise not attempted yet only prints a reminder, so an untouched notebook
still runs from top to bottom. While ``gancourse grade`` runs a notebook
(``GANCOURSE_GRADING=1``) the call does nothing: grading runs the checks itself, outside.
"""

from __future__ import annotations

import copy
import os
from typing import Any, Callable

from .checks import CheckFailed, SubmissionFailed, load_registry
from .plain import from_plain, to_plain
from .sandbox import Reply

__all__ = ["check"]


class _LocalFailure(SubmissionFailed):
    """The student's function raised in the notebook: the same failure the grader would see."""

    def __init__(self, exc: BaseException):
        self.exc = exc
        super().__init__(Reply(ok=False, error_type=type(exc).__name__, error=str(exc)))


def _local_caller(fn: Callable) -> Callable:
    """Call ``fn`` as the grader would: plain-data arguments in, plain-data result out."""
    def prepare(args):
        return from_plain(to_plain(copy.deepcopy(list(args))), torch_tensors=True)

    def call(*args, seed: int = 0):
        from .. import seed_everything

        seed_everything(seed)
        try:
            out = fn(*prepare(args))
        except Exception as exc:  # noqa: BLE001
            raise _LocalFailure(exc) from exc
        return from_plain(to_plain(out))

    def with_grad(*args, wrt: list[int], seed: int = 0):
        import torch

        from .. import seed_everything

        seed_everything(seed)
        prepared = prepare(args)
        for i in wrt:
            prepared[i].requires_grad_(True)
        try:
            out = fn(*prepared)
            if not (isinstance(out, torch.Tensor) and out.numel() == 1):
                raise TypeError("expected a scalar torch tensor to differentiate")
            grads = torch.autograd.grad(out, [prepared[i] for i in wrt], allow_unused=True)
        except Exception as exc:  # noqa: BLE001
            raise _LocalFailure(exc) from exc
        grads = [torch.zeros_like(prepared[i]) if g is None else g for i, g in zip(wrt, grads)]
        return from_plain(to_plain(out)), from_plain(to_plain(grads))

    call.with_grad = with_grad
    return call


def check(exercise_id: str, function: Callable[..., Any]) -> bool | None:
    """Run the public checks of ``exercise_id`` on ``function``; True when all pass."""
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
    call = _local_caller(function)
    failures = []
    print(f"Exercise {ex.id} - {ex.title}")
    for c in ex.checks:
        if c.hidden:
            continue
        try:
            c.run(call)
        except _LocalFailure as wrapped:
            if isinstance(wrapped.exc, NotImplementedError):
                print(f"  [TODO] not implemented yet - write your code in {ex.function} "
                      "and run this cell again")
                return False
            failures.append(f"{c.name}: {type(wrapped.exc).__name__}: {wrapped.exc}")
            print(f"  [ERROR] {c.name}: {ex.function} raised "
                  f"{type(wrapped.exc).__name__}: {wrapped.exc}")
        except CheckFailed as exc:
            failures.append(f"{c.name}: {exc}")
            print(f"  [FAIL] {c.name}: {exc}")
        else:
            print(f"  [PASS] {c.name}")
    if failures:
        raise AssertionError(f"{len(failures)} check(s) of exercise {ex.id} failed:\n  "
                             + "\n  ".join(failures))
    print(f"  All {len([c for c in ex.checks if not c.hidden])} public checks passed.")
    return True
