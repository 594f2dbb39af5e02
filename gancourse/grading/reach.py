"""Which of the course's own functions a student's function can reach.

Most exercises ask the student to write something that ``gancourse`` already does (D*, the KL
divergence, a gradient penalty); a submission that calls the course's version instead learns
nothing and must not score. :func:`course_names` reads the function's code (and the code of the
notebook's own helpers it calls, nested functions and closures too) and lists the ``gancourse``
functions and classes it refers to, by the name of the module that defines them, whether the
notebook wrote ``gancourse.theory.optimal_discriminator``, ``gc.optimal_discriminator`` or
``from gancourse.theory import optimal_discriminator as od``. It reads code, it calls nothing.
"""

from __future__ import annotations

import sys
import types
from typing import Any, Callable

__all__ = ["course_names", "ALLOWED"]

PACKAGE = "gancourse"
# Set-up helpers every exercise may use.
ALLOWED = frozenset({"gancourse.seeding.seed_everything", "gancourse.device.get_device",
                     "gancourse.device.limit_cpu_threads", "gancourse.session.setup"})


def _code_names(code: types.CodeType) -> set[str]:
    """Every global or attribute name in ``code`` and the code nested in it."""
    names, todo = set(), [code]
    while todo:
        c = todo.pop()
        names.update(c.co_names)
        todo.extend(k for k in c.co_consts if isinstance(k, types.CodeType))
    return names


def _is_course(obj: Any) -> bool:
    module = getattr(obj, "__module__", None) if not isinstance(obj, types.ModuleType) \
        else obj.__name__
    return isinstance(module, str) and (module == PACKAGE or module.startswith(PACKAGE + "."))


def course_names(fn: Callable) -> list[str]:
    """Sorted qualified names (``gancourse.theory.optimal_discriminator``) of the course's
    functions and classes that ``fn`` refers to, directly or through the notebook's helpers."""
    found: set[str] = set()
    seen: set[int] = set()
    functions = [fn]
    while functions:
        f = functions.pop()
        code = getattr(f, "__code__", None)
        if code is None or id(code) in seen:
            continue
        seen.add(id(code))
        names = _code_names(code)
        namespace = getattr(f, "__globals__", {}) or {}
        values = [namespace[n] for n in names if n in namespace]
        values += [cell.cell_contents for cell in (getattr(f, "__closure__", None) or ())
                   if _has_contents(cell)]
        values += [sys.modules[n] for n in names if n.split(".")[0] == PACKAGE
                   and n in sys.modules]  # imports inside the function
        modules: list[types.ModuleType] = []
        for value in values:
            if isinstance(value, types.ModuleType):
                if _is_course(value):
                    modules.append(value)
            elif _is_course(value) and callable(value):
                found.add(_qualified(value))
            elif isinstance(value, (types.FunctionType, types.MethodType)):
                functions.append(value)  # the notebook's own helper: read its code too
        visited: set[str] = set()
        while modules:  # gancourse.theory.optimal_discriminator: attribute chains
            module = modules.pop()
            if module.__name__ in visited:
                continue
            visited.add(module.__name__)
            for n in names:
                value = module.__dict__.get(n)
                if isinstance(value, types.ModuleType) and _is_course(value):
                    modules.append(value)
                elif value is not None and _is_course(value) and callable(value):
                    found.add(_qualified(value))
    return sorted(found)


def _has_contents(cell) -> bool:
    try:
        cell.cell_contents
    except ValueError:  # an empty cell
        return False
    return True


def _qualified(obj: Any) -> str:
    name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None) or \
        type(obj).__name__
    return f"{obj.__module__}.{name}"
