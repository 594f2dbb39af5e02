"""Earth mover's distance: LP vs scipy's 1-D distance, plans, point clouds, metric properties."""

import itertools

import numpy as np
import pytest
from scipy.stats import wasserstein_distance

import gancourse as gc
from conftest import random_prob


def test_lp_emd_matches_scipy_on_random_histograms(rng):
    for _ in range(30):
        n, m = rng.integers(1, 25, size=2)
        x_p, x_q = rng.normal(size=n) * 3, rng.normal(size=m) * 2 + 1
        p, q = random_prob(rng, n), random_prob(rng, m)
        dist, _ = gc.emd_1d(x_p, p, x_q, q)
        assert abs(dist - wasserstein_distance(x_p, x_q, p, q)) < 1e-8


def test_cdf_form_matches_scipy(rng):
    for _ in range(30):
        u, v = rng.normal(size=rng.integers(1, 50)), rng.exponential(size=rng.integers(1, 50))
        uw, vw = rng.random(u.size), rng.random(v.size)
        assert gc.w1_1d(u, v, uw, vw) == pytest.approx(wasserstein_distance(u, v, uw, vw),
                                                       abs=1e-12)
        assert gc.w1_1d(u, v) == pytest.approx(wasserstein_distance(u, v), abs=1e-12)


def test_plan_is_a_valid_coupling_and_attains_the_distance(rng):
    p, q = random_prob(rng, 6, zeros=2), random_prob(rng, 9, zeros=3)
    cost = rng.random((6, 9))
    dist, plan = gc.emd(p, q, cost)
    assert plan.shape == (6, 9)
    assert plan.min() >= 0
    np.testing.assert_allclose(plan.sum(axis=1), p, atol=1e-10)
    np.testing.assert_allclose(plan.sum(axis=0), q, atol=1e-10)
    assert np.sum(plan * cost) == pytest.approx(dist, abs=1e-12)
    # no other plan is cheaper: the independent coupling is one feasible plan
    assert dist <= np.sum(np.outer(p, q) * cost) + 1e-12


def test_hand_computed_plans():
    # P = 1/2 at 0 and 1/2 at 1, Q = all mass at 1: half the earth moves a distance 1.
    dist, plan = gc.emd_1d([0.0, 1.0], [0.5, 0.5], [1.0], [1.0])
    assert dist == pytest.approx(0.5)
    np.testing.assert_allclose(plan, [[0.5], [0.5]])
    # Two far-apart piles, each shifted by 1: the unique optimum moves each pile to its
    # neighbour (cost 1) rather than across (cost 11 + 9 for the crossed plan, halved).
    dist, plan = gc.emd_1d([0.0, 10.0], [0.5, 0.5], [1.0, 11.0], [0.5, 0.5])
    assert dist == pytest.approx(1.0, abs=1e-12)
    np.testing.assert_allclose(plan, [[0.5, 0.0], [0.0, 0.5]], atol=1e-12)


def test_shift_costs_exactly_the_shift():
    x = np.arange(5.0)
    p = np.array([0.1, 0.2, 0.4, 0.2, 0.1])
    for shift in (0.5, 2.5):
        dist, plan = gc.emd_1d(x, p, x + shift, p)
        assert dist == pytest.approx(shift, abs=1e-12)


def test_triangle_inequality_and_symmetry(rng):
    support = np.linspace(-2, 2, 8)
    dists = [random_prob(rng, 8, zeros=z) for z in (0, 2, 4, 1)]
    w = {}
    for (i, a), (j, b) in itertools.product(enumerate(dists), repeat=2):
        w[i, j] = gc.emd_1d(support, a, support, b)[0]
    for i, j, k in itertools.product(range(len(dists)), repeat=3):
        assert w[i, k] <= w[i, j] + w[j, k] + 1e-10
        assert w[i, j] == pytest.approx(w[j, i], abs=1e-10)
    assert all(w[i, i] == pytest.approx(0.0, abs=1e-12) for i in range(len(dists)))


def test_point_clouds_match_lp_in_2d(rng):
    a, b = rng.normal(size=(12, 2)), rng.normal(size=(12, 2)) + [1.0, 0.5]
    cost = np.linalg.norm(a[:, None, :] - b[None, :, :], axis=-1)
    uniform = np.full(12, 1 / 12)
    lp, _ = gc.emd(uniform, uniform, cost)
    assert gc.w1_point_clouds(a, b) == pytest.approx(lp, abs=1e-10)


def test_point_clouds_in_1d_match_scipy(rng):
    a, b = rng.normal(size=(50, 1)), rng.normal(size=(50, 1)) * 2
    assert gc.w1_point_clouds(a, b) == pytest.approx(wasserstein_distance(a[:, 0], b[:, 0]),
                                                     abs=1e-12)


def test_parallel_lines_w1_is_theta():
    # Same Z for both lines: the optimal matching moves each point horizontally by |theta|.
    for theta in (-1.5, 0.25, 2.0):
        a = gc.ParallelLine(0.0).sample(300, seed=1).numpy()
        b = gc.ParallelLine(theta).sample(300, seed=1).numpy()
        assert gc.w1_point_clouds(a, b) == pytest.approx(abs(theta), rel=1e-6)


@pytest.mark.parametrize("call, match", [
    (lambda: gc.emd([0.5, 0.5], [1.0], np.ones((2, 2))), r"cost must have shape"),
    (lambda: gc.emd([0.5, 0.5], [1.0], -np.ones((2, 1))), "cost must be non-negative"),
    (lambda: gc.emd([0.7, 0.5], [1.0], np.ones((2, 1))), "p must sum to 1"),
    (lambda: gc.emd_1d([0.0], [0.5, 0.5], [0.0], [1.0]), "x_p and p must have the same shape"),
    (lambda: gc.w1_1d([0.0, 1.0], [0.0], [1.0], None), "u_weights must have one weight"),
    (lambda: gc.w1_1d([0.0, 1.0], [0.0], [-1.0, 2.0]), "u_weights must be non-negative"),
    (lambda: gc.w1_point_clouds(np.zeros((3, 2)), np.zeros((4, 2))), "a and b must have the same"),
    (lambda: gc.w1_point_clouds(np.zeros(3), np.zeros(3)), "a must be 2-dimensional"),
])
def test_bad_input_raises(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_monotone_plan_is_an_optimal_coupling(rng):
    for _ in range(20):
        n, m = rng.integers(1, 12, size=2)
        x_p, x_q = rng.normal(size=n), rng.normal(size=m) + 0.5
        p, q = random_prob(rng, n), random_prob(rng, m)
        plan = gc.monotone_plan_1d(x_p, p, x_q, q)
        np.testing.assert_allclose(plan.sum(axis=1), p, atol=1e-12)
        np.testing.assert_allclose(plan.sum(axis=0), q, atol=1e-12)
        cost = np.abs(x_p[:, None] - x_q[None, :])
        assert np.sum(plan * cost) == pytest.approx(wasserstein_distance(x_p, x_q, p, q),
                                                    abs=1e-10)


def test_monotone_plan_never_crosses_and_may_differ_from_the_lp():
    # Two equal piles all moving right by 1: pairing in order and crossing cost the same.
    x = np.arange(4.0)
    p, q = np.array([0.5, 0.5, 0, 0]), np.array([0, 0.5, 0.5, 0])
    plan = gc.monotone_plan_1d(x, p, x, q)
    np.testing.assert_allclose(plan[:2, 1:3], [[0.5, 0.0], [0.0, 0.5]])
    crossed = np.zeros((4, 4))
    crossed[0, 2] = crossed[1, 1] = 0.5  # the other optimum: 0 -> 2 and 1 stays
    cost = np.abs(x[:, None] - x[None, :])
    assert np.sum(crossed * cost) == pytest.approx(np.sum(plan * cost)) == pytest.approx(1.0)


def test_kantorovich_dual_equals_the_primal(rng):
    for _ in range(15):
        n = int(rng.integers(2, 10))
        x = rng.normal(size=n)
        p, q = random_prob(rng, n, zeros=1), random_prob(rng, n)
        value, f = gc.kantorovich_dual(x, p, q)
        assert value == pytest.approx(wasserstein_distance(x, x, p, q), abs=1e-8)
        assert np.sum(f * (p - q)) == pytest.approx(value, abs=1e-8)
        # f is 1-Lipschitz on the points
        assert np.all(np.abs(f[:, None] - f[None, :]) <= np.abs(x[:, None] - x[None, :]) + 1e-9)
    # in 2-D, against the primal LP with Euclidean costs
    pts = rng.normal(size=(7, 2))
    p, q = random_prob(rng, 7), random_prob(rng, 7)
    value, _ = gc.kantorovich_dual(pts, p, q)
    cost = np.sqrt(((pts[:, None] - pts[None]) ** 2).sum(-1))
    assert value == pytest.approx(gc.emd(p, q, cost)[0], abs=1e-8)


def test_two_potential_dual_equals_the_primal_for_any_cost(rng):
    for _ in range(10):
        n, m = int(rng.integers(2, 7)), int(rng.integers(2, 7))
        p, q = random_prob(rng, n), random_prob(rng, m)
        cost = rng.uniform(0, 3, size=(n, m))  # not a metric: the two potentials are needed
        value, phi, psi = gc.emd_dual(p, q, cost)
        assert value == pytest.approx(gc.emd(p, q, cost)[0], abs=1e-8)
        assert np.all(phi[:, None] + psi[None, :] <= cost + 1e-9)
        # the c-transform is the best partner: feasible, no worse, and tight in every column
        best = gc.c_transform(phi, cost)
        assert np.all(phi[:, None] + best[None, :] <= cost + 1e-12) and np.all(best >= psi - 1e-9)
        assert np.allclose((cost - phi[:, None] - best[None, :]).min(axis=0), 0.0)


def test_a_lipschitz_potential_is_its_own_partner_up_to_sign(rng):
    """With a metric cost, f 1-Lipschitz gives c_transform(f) = -f; not so otherwise."""
    x = np.sort(rng.normal(size=9))
    cost = np.abs(x[:, None] - x[None, :])
    f = np.sin(x)  # |cos| <= 1: 1-Lipschitz
    np.testing.assert_allclose(gc.c_transform(f, cost), -f, atol=1e-12)
    steep = 3 * x
    assert np.any(gc.c_transform(steep, cost) < -steep - 1e-6)
    with pytest.raises(ValueError, match="one row per value of phi"):
        gc.c_transform(f[:3], cost)


def test_dual_and_monotone_plan_reject_bad_input():
    with pytest.raises(ValueError, match="one mass per point"):
        gc.kantorovich_dual([0.0, 1.0, 2.0], [0.5, 0.5], [0.5, 0.5])
    with pytest.raises(ValueError, match="x must have shape"):
        gc.kantorovich_dual(np.zeros((2, 2, 2)), [0.5, 0.5], [0.5, 0.5])
    with pytest.raises(ValueError, match="same shapes"):
        gc.monotone_plan_1d([0.0, 1.0], [1.0], [0.0], [1.0])
