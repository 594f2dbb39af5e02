"""Gradient dynamics of the bilinear game min_x max_y x * y (lecture 04).

The game's only equilibrium is (0, 0), yet gradient play does not find it. With learning
rate eta:

* simultaneous steps, x <- x - eta y and y <- y + eta x, multiply the distance to the
  equilibrium by sqrt(1 + eta^2) at every step: the players spiral outwards;
* alternating steps (y answers the *new* x, as in Algorithm 1) keep the iterates on a closed
  curve, since x^2 - eta x y + y^2 is conserved: the players circle for ever.

This is the simplest picture of why GAN training can oscillate instead of converging.
"""

from __future__ import annotations

import numpy as np

from ._validation import check_count, check_positive

__all__ = ["bilinear_game_trajectory"]


def bilinear_game_trajectory(x0: float = 1.0, y0: float = 0.0, lr: float = 0.1,
                             steps: int = 100, mode: str = "simultaneous") -> np.ndarray:
    """Iterates of gradient descent (x) / ascent (y) on V(x, y) = x * y.

    Args:
        x0, y0: the starting point.
        lr: the learning rate eta of both players.
        steps: number of steps.
        mode: ``"simultaneous"`` or ``"alternating"`` (y moves after seeing the new x).

    Returns:
        Array of shape (steps + 1, 2): the points (x_t, y_t), starting point included.
    """
    lr = check_positive(lr, "lr")
    steps = check_count(steps, "steps", minimum=0)
    if mode not in ("simultaneous", "alternating"):
        raise ValueError(f"mode must be 'simultaneous' or 'alternating', got {mode!r}")
    out = np.empty((steps + 1, 2))
    x, y = float(x0), float(y0)
    out[0] = x, y
    for t in range(1, steps + 1):
        if mode == "simultaneous":
            x, y = x - lr * y, y + lr * x  # both use the old values
        else:
            x = x - lr * y
            y = y + lr * x  # y answers the new x
        out[t] = x, y
    return out
