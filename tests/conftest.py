"""Shared test set-up: a non-interactive plotting backend and a seeded NumPy generator."""

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20141)


def random_prob(rng: np.random.Generator, n: int, *, zeros: int = 0) -> np.ndarray:
    """A random probability vector of length n with ``zeros`` entries set to exactly 0."""
    p = rng.random(n)
    p[rng.choice(n, size=zeros, replace=False)] = 0.0
    return p / p.sum()
