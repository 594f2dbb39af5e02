"""Plain data between the grader and a submission's process: JSON with tagged arrays.

The grader never unpickles anything a submission produced (unpickling runs code). Values cross
the process boundary as JSON; NumPy arrays and torch tensors travel as tagged dicts holding
dtype, shape and the numbers. Both sides import this module; the worker only before any
submission code runs.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

__all__ = ["TensorArray", "to_plain", "from_plain", "dumps", "loads", "describe", "MAX_ELEMENTS",
           "GradientProblem", "check_differentiable", "invoke", "decode"]

MAX_ELEMENTS = 1_000_000  # larger arrays are refused rather than shipped


class PlainError(ValueError):
    """A value that cannot be represented as plain data."""


class TensorArray(np.ndarray):
    """A NumPy array that was a torch tensor in the submission's process."""

    requires_grad: bool = False


def _float(v: float):
    if math.isnan(v):
        return {"__float__": "nan"}
    if math.isinf(v):
        return {"__float__": "inf" if v > 0 else "-inf"}
    return v


def _array(arr: np.ndarray, tag: str, **extra) -> dict:
    if arr.size > MAX_ELEMENTS:
        raise PlainError(f"array of {arr.size} elements is larger than the {MAX_ELEMENTS} allowed")
    if arr.dtype.kind not in "biuf":
        raise PlainError(f"arrays of dtype {arr.dtype} are not supported")
    data = [_float(float(v)) if arr.dtype.kind == "f" else v for v in arr.ravel().tolist()]
    return {tag: True, "dtype": str(arr.dtype), "shape": list(arr.shape), "data": data, **extra}


def to_plain(value: Any, _depth: int = 0) -> Any:
    """Convert numbers, strings, None, lists/tuples/dicts, NumPy arrays and torch tensors."""
    if _depth > 20:
        raise PlainError("value is nested too deeply")
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return _float(float(value))
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.ndarray):
        return _array(value, "__ndarray__")
    if type(value).__module__.startswith("torch") and hasattr(value, "detach"):
        return _array(value.detach().cpu().numpy(), "__tensor__",
                      requires_grad=bool(value.requires_grad), device=str(value.device))
    if isinstance(value, tuple):
        return {"__tuple__": [to_plain(v, _depth + 1) for v in value]}
    if isinstance(value, list):
        return [to_plain(v, _depth + 1) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise PlainError("only dicts with string keys are supported")
        return {"__dict__": {k: to_plain(v, _depth + 1) for k, v in value.items()}}
    raise PlainError(f"values of type {type(value).__name__} cannot be graded")


def from_plain(value: Any, *, torch_tensors: bool = False) -> Any:
    """Inverse of :func:`to_plain`. Tensors come back as NumPy arrays unless ``torch_tensors``."""
    if isinstance(value, list):
        return [from_plain(v, torch_tensors=torch_tensors) for v in value]
    if not isinstance(value, dict):
        return value
    if "__float__" in value:
        return float(value["__float__"])
    if "__tuple__" in value:
        return tuple(from_plain(v, torch_tensors=torch_tensors) for v in value["__tuple__"])
    if "__dict__" in value:
        return {k: from_plain(v, torch_tensors=torch_tensors) for k, v in value["__dict__"].items()}
    if "__ndarray__" in value or "__tensor__" in value:
        data = [float(d["__float__"]) if isinstance(d, dict) else d for d in value["data"]]
        arr = np.array(data, dtype=np.dtype(value["dtype"])).reshape(value["shape"])
        if "__tensor__" in value:
            if torch_tensors:
                import torch

                return torch.as_tensor(arr).requires_grad_(value.get("requires_grad", False))
            arr = arr.view(TensorArray)
            arr.requires_grad = bool(value.get("requires_grad", False))
        return arr
    raise PlainError("unknown tagged value")


def dumps(value: Any) -> str:
    return json.dumps(value, allow_nan=False, separators=(",", ":"))


def loads(text: str) -> Any:
    return json.loads(text)


def describe(value: Any) -> str:
    """A short human description: type, shape and dtype of arrays, or a short repr."""
    if isinstance(value, TensorArray):
        return f"torch tensor of shape {value.shape} and dtype torch.{value.dtype}"
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, tuple):
        return f"tuple of {len(value)} ({', '.join(describe(v) for v in value[:4])})"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


class GradientProblem(TypeError):
    """A graded function's result cannot be differentiated with respect to its inputs."""


def check_differentiable(out: Any) -> None:
    """Raise :class:`GradientProblem`, saying why, unless ``out`` is a scalar torch tensor
    that autograd connects to the inputs. The grader's worker and the notebook's self-check
    both use it, so a student sees the same verdict in both places."""
    import torch

    if not (isinstance(out, torch.Tensor) and out.numel() == 1):
        raise GradientProblem("the result should be a scalar torch tensor, so that its "
                              f"gradient can be taken, but it is {describe(out)}")
    if not out.requires_grad:
        raise GradientProblem(
            "the result is not connected to the inputs through autograd, so no gradient can "
            "flow back: the graph was cut somewhere (.detach(), .item(), float(), NumPy, "
            "torch.no_grad(), or a new tensor made with torch.tensor(...))")


def invoke(fn, args: list, *, seed: int = 0, grad_wrt: list[int] | None = None,
           run=lambda call: call()) -> dict:
    """The one way a graded function is called, in the grader's worker and in the notebook's
    self-check alike: seed, plain-data arguments in (tensors as torch tensors), the result and
    the gradients out as plain data. Raises what ``fn`` raises.

    Args:
        fn: the student's function.
        args: the arguments as plain data (:func:`to_plain`).
        seed: :func:`gancourse.seed_everything` before the call.
        grad_wrt: indices of tensor arguments to differentiate the (scalar) result by; an
            argument the result does not depend on gets a zero gradient of its shape.
        run: runs the call (the worker captures its output, the self-check times it).

    Returns:
        ``{"ok": True, "value": plain result, "grads": plain list}`` (no "grads" without
        ``grad_wrt``): what :func:`decode` reads.
    """
    import torch

    from ..seeding import seed_everything

    seed_everything(seed)
    values = from_plain(args, torch_tensors=True)
    wrt = grad_wrt or []
    for i in wrt:
        values[i].requires_grad_(True)
    out = run(lambda: fn(*values))
    message = {"ok": True, "value": to_plain(out)}
    if wrt:
        check_differentiable(out)
        grads = torch.autograd.grad(out, [values[i] for i in wrt], allow_unused=True)
        message["grads"] = to_plain([torch.zeros_like(values[i]) if g is None else g
                                     for i, g in zip(wrt, grads)])
    return message


def decode(message: dict) -> tuple[Any, Any]:
    """``(value, grads)`` of an :func:`invoke` reply, as the checks receive them."""
    return from_plain(message.get("value")), from_plain(message.get("grads"))
