"""The bilinear game x * y: spirals and cycles, checked against closed forms."""

import numpy as np
import pytest

from gancourse.dynamics import bilinear_game_trajectory


def test_simultaneous_steps_spiral_out_at_the_exact_rate():
    traj = bilinear_game_trajectory(1.0, 0.5, lr=0.1, steps=200)
    r = np.linalg.norm(traj, axis=1)
    np.testing.assert_allclose(r[1:] / r[:-1], np.sqrt(1 + 0.1**2), rtol=1e-12)


def test_alternating_steps_conserve_a_quadratic_and_never_converge():
    eta = 0.1
    traj = bilinear_game_trajectory(1.0, 0.5, lr=eta, steps=2000, mode="alternating")
    x, y = traj[:, 0], traj[:, 1]
    invariant = x**2 - eta * x * y + y**2
    np.testing.assert_allclose(invariant, invariant[0], rtol=1e-10)
    r = np.linalg.norm(traj, axis=1)
    assert r.min() > 0.8 * r[0] and r.max() < 1.3 * r[0]


def test_hand_computed_first_steps():
    np.testing.assert_allclose(bilinear_game_trajectory(1.0, 0.0, 0.5, 1),
                               [[1.0, 0.0], [1.0, 0.5]])
    np.testing.assert_allclose(bilinear_game_trajectory(1.0, 0.0, 0.5, 1, "alternating"),
                               [[1.0, 0.0], [1.0, 0.5]])
    np.testing.assert_allclose(bilinear_game_trajectory(1.0, 0.5, 0.5, 1, "alternating"),
                               [[1.0, 0.5], [0.75, 0.875]])


def test_bad_arguments():
    with pytest.raises(ValueError, match="mode must be"):
        bilinear_game_trajectory(mode="both")
    with pytest.raises(ValueError, match="lr must be a positive"):
        bilinear_game_trajectory(lr=0)
