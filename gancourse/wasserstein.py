"""The earth mover's distance (Wasserstein-1), three ways.

* :func:`emd` -- the definition: a linear programme over transport plans gamma (rows sum to P,
  columns to Q) minimising sum gamma_ij * cost_ij. Returns the distance *and* the optimal plan.
* :func:`w1_1d` -- the 1-D closed form W1 = integral |F_P(t) - F_Q(t)| dt through the two CDFs.
* :func:`w1_point_clouds` -- exact W1 between two equal-size point clouds in any dimension: with
  uniform weights an optimal plan is a permutation (Birkhoff-von Neumann), found by the
  Hungarian algorithm.

Companions for lecture 05: :func:`monotone_plan_1d`, the plan that moves mass in order
(the north-west corner rule on sorted supports: optimal in 1-D for the cost |x - y|, though not
always the only optimum); :func:`emd_dual`, the dual linear programme with its two potentials
(phi_i + psi_j <= cost_ij, any cost); :func:`c_transform`, the best partner of one potential;
and :func:`kantorovich_dual`, the same dual when the cost is a metric, where one 1-Lipschitz
"critic" f does (psi = -phi = f's partner), whose value E_P f - E_Q f equals W1
(Kantorovich-Rubinstein duality).

References: Villani, *Optimal Transport* (2009), ch. 6; Arjovsky, Chintala & Bottou (2017),
"Wasserstein GAN"; Peyre & Cuturi, *Computational Optimal Transport* (2019), ch. 2-3.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment, linprog
from scipy.spatial.distance import cdist

from ._validation import as_array, as_probability_vector

__all__ = ["emd", "emd_1d", "emd_dual", "c_transform", "w1_1d", "w1_point_clouds",
           "monotone_plan_1d", "kantorovich_dual"]


def _transport_problem(p, q, cost, atol: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Checked masses (rescaled to sum to exactly one) and a cost of shape (len(p), len(q))."""
    p = as_probability_vector(p, "p", atol=atol)
    q = as_probability_vector(q, "q", atol=atol)
    c = as_array(cost, "cost", ndim=2)
    if c.shape != (p.size, q.size):
        raise ValueError(f"cost must have shape (len(p), len(q)) = {(p.size, q.size)}, "
                         f"got {c.shape}")
    return p / p.sum(), q / q.sum(), c


def emd(p, q, cost, *, atol: float = 1e-6) -> tuple[float, np.ndarray]:
    """Earth mover's distance between discrete distributions by linear programming.

    Args:
        p: masses at the source points, shape (n,), a probability vector.
        q: masses at the target points, shape (m,), a probability vector.
        cost: ground cost of moving unit mass from source i to target j, shape (n, m), >= 0.
        atol: tolerance on ``p`` and ``q`` summing to one (they are then rescaled to sum to
            exactly one, so that the constraints are feasible).

    Returns:
        ``(distance, plan)``: the minimal total cost and an optimal transport plan gamma of
        shape (n, m), with gamma >= 0, gamma.sum(1) == p and gamma.sum(0) == q.
    """
    p, q, c = _transport_problem(p, q, cost, atol)
    if np.any(c < 0):
        raise ValueError("cost must be non-negative")
    n, m = c.shape
    # gamma is flattened row-major: variable i*m + j is gamma[i, j].
    rows = np.kron(np.eye(n), np.ones((1, m)))  # (n, n*m): sum_j gamma[i, j] = p_i
    cols = np.kron(np.ones((1, n)), np.eye(m))  # (m, n*m): sum_i gamma[i, j] = q_j
    res = linprog(c.ravel(), A_eq=np.vstack([rows, cols]), b_eq=np.concatenate([p, q]),
                  bounds=(0, None), method="highs-ds",
                  options={"primal_feasibility_tolerance": 1e-10,
                           "dual_feasibility_tolerance": 1e-10})
    if res.status != 0:  # cannot happen for valid inputs: the product plan p q^T is feasible
        raise RuntimeError(f"the transport LP failed: {res.message}")
    plan = np.clip(res.x.reshape(n, m), 0.0, None)
    return float(np.sum(plan * c)), plan


def emd_dual(p, q, cost, *, atol: float = 1e-6) -> tuple[float, np.ndarray, np.ndarray]:
    """The dual of :func:`emd`'s linear programme: one potential per distribution.

        max  sum_i phi_i p_i + sum_j psi_j q_j   subject to   phi_i + psi_j <= cost_ij.

    (A shipper charging phi_i to collect at i and psi_j to deliver at j, never more than the
    cost of carrying it yourself.) Its value equals the EMD (strong LP duality).

    Returns:
        ``(value, phi, psi)`` with ``phi`` of shape (n,) and ``psi`` of shape (m,).
    """
    p, q, c = _transport_problem(p, q, cost, atol)
    n, m = c.shape
    # variables [phi, psi]; row i*m + j: phi_i + psi_j <= c_ij
    A = np.hstack([np.kron(np.eye(n), np.ones((m, 1))), np.kron(np.ones((n, 1)), np.eye(m))])
    res = linprog(-np.concatenate([p, q]), A_ub=A, b_ub=c.ravel(),
                  bounds=(None, None), method="highs-ds",
                  options={"primal_feasibility_tolerance": 1e-10,
                           "dual_feasibility_tolerance": 1e-10})
    if res.status != 0:  # cannot happen: phi = psi = min(cost) / 2 is feasible, value bounded
        raise RuntimeError(f"the dual transport LP failed: {res.message}")
    return float(-res.fun), res.x[:n], res.x[n:]


def c_transform(phi, cost) -> np.ndarray:
    """The best partner of the potential ``phi``: psi_j = min_i (cost_ij - phi_i).

    The largest psi with phi_i + psi_j <= cost_ij for all i, j. When the cost is a metric,
    psi is 1-Lipschitz (a minimum of 1-Lipschitz functions), and a 1-Lipschitz f has
    partner -f -- which is why one critic replaces the two potentials.
    """
    phi = as_array(phi, "phi", ndim=1)
    c = as_array(cost, "cost", ndim=2)
    if c.shape[0] != phi.size:
        raise ValueError(f"cost must have one row per value of phi ({phi.size}), got {c.shape}")
    return (c - phi[:, None]).min(axis=0)


def emd_1d(x_p, p, x_q, q, *, atol: float = 1e-6) -> tuple[float, np.ndarray]:
    """:func:`emd` for histograms on the real line, with cost |x_p[i] - x_q[j]|.

    ``x_p`` (n,) and ``x_q`` (m,) are the bin positions, ``p`` (n,) and ``q`` (m,) their masses.
    """
    x_p, x_q = as_array(x_p, "x_p", ndim=1), as_array(x_q, "x_q", ndim=1)
    p, q = as_array(p, "p", ndim=1), as_array(q, "q", ndim=1)
    if x_p.shape != p.shape:
        raise ValueError(f"x_p and p must have the same shape, got {x_p.shape} and {p.shape}")
    if x_q.shape != q.shape:
        raise ValueError(f"x_q and q must have the same shape, got {x_q.shape} and {q.shape}")
    return emd(p, q, np.abs(x_p[:, None] - x_q[None, :]), atol=atol)


def w1_1d(u_values, v_values, u_weights=None, v_weights=None) -> float:
    """W1 between two distributions on the line from the closed form integral |F_U - F_V|.

    Args:
        u_values, v_values: support points (samples or bin positions), shapes (n,) and (m,).
        u_weights, v_weights: non-negative weights of the same shapes (normalised here); uniform
            when omitted, i.e. empirical distributions of samples.
    """
    u, v = as_array(u_values, "u_values", ndim=1), as_array(v_values, "v_values", ndim=1)
    uw = _weights(u_weights, u, "u_weights")
    vw = _weights(v_weights, v, "v_weights")
    # Both CDFs are step functions that change only at the pooled support points.
    t = np.sort(np.concatenate([u, v]))
    cdf_u = _cdf(u, uw, t[:-1])
    cdf_v = _cdf(v, vw, t[:-1])
    return float(np.sum(np.abs(cdf_u - cdf_v) * np.diff(t)))


def _weights(w, values: np.ndarray, name: str) -> np.ndarray:
    if w is None:
        return np.full(values.shape, 1.0 / values.size)
    w = as_array(w, name, ndim=1)
    if w.shape != values.shape:
        raise ValueError(f"{name} must have one weight per value: shape {values.shape}, "
                         f"got {w.shape}")
    if np.any(w < 0) or w.sum() <= 0:
        raise ValueError(f"{name} must be non-negative with a positive sum")
    return w / w.sum()


def _cdf(values: np.ndarray, weights: np.ndarray, t: np.ndarray) -> np.ndarray:
    """F(t) = total weight of values <= t, for each point of t."""
    order = np.argsort(values)
    cum = np.concatenate([[0.0], np.cumsum(weights[order])])
    return cum[np.searchsorted(values[order], t, side="right")]


def w1_point_clouds(a, b) -> float:
    """Exact W1 (Euclidean ground cost) between the empirical distributions of two point clouds.

    Args:
        a, b: arrays of shape (n, d) with the same n: each point carries mass 1/n.

    Returns:
        The mean distance under an optimal one-to-one matching. Cost O(n^3): fine up to a few
        thousand points.
    """
    a = as_array(a, "a", ndim=2)
    b = as_array(b, "b", ndim=2)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape (n, d), got {a.shape} and {b.shape}")
    dist = cdist(a, b)  # (n, n) Euclidean distances
    rows, cols = linear_sum_assignment(dist)
    return float(dist[rows, cols].mean())


def monotone_plan_1d(x_p, p, x_q, q, *, atol: float = 1e-6) -> np.ndarray:
    """The monotone (order-preserving) transport plan between two histograms on the line.

    Mass leaves P's bins from left to right and fills Q's bins from left to right, the way
    quantile functions pair up: the first unit of P goes to the first of Q, and so on. For the
    cost |x - y| this plan is optimal; when all earth moves the same way, other plans that
    cross in flight cost the same, so the linear programme of :func:`emd_1d` may return a
    different optimum.

    Args: as :func:`emd_1d`. Returns: gamma of shape (len(p), len(q)), indexed like the inputs.
    """
    x_p, x_q = as_array(x_p, "x_p", ndim=1), as_array(x_q, "x_q", ndim=1)
    p = as_probability_vector(p, "p", atol=atol)
    q = as_probability_vector(q, "q", atol=atol)
    if x_p.shape != p.shape or x_q.shape != q.shape:
        raise ValueError(f"x_p and p, and x_q and q, must have the same shapes, got {x_p.shape}, "
                         f"{p.shape}, {x_q.shape} and {q.shape}")
    p, q = p / p.sum(), q / q.sum()
    order_p, order_q = np.argsort(x_p, kind="stable"), np.argsort(x_q, kind="stable")
    left_p, left_q = p[order_p].copy(), q[order_q].copy()
    plan = np.zeros((p.size, q.size))
    i = j = 0
    while i < p.size and j < q.size:  # the north-west corner rule
        moved = min(left_p[i], left_q[j])
        plan[order_p[i], order_q[j]] += moved
        left_p[i] -= moved
        left_q[j] -= moved
        if left_p[i] <= left_q[j]:
            i += 1
        else:
            j += 1
    return plan


def kantorovich_dual(x, p, q, *, atol: float = 1e-6) -> tuple[float, np.ndarray]:
    """W1 as the best 1-Lipschitz critic: max_f sum_i f_i (p_i - q_i) with |f_i - f_j| <= d_ij.

    P and Q live on the same finite set of points ``x`` (a common support; use zero masses for
    points that only one of them has). The linear programme has one variable per point and
    one constraint per ordered pair, so keep ``x`` small (a few dozen points).

    Args:
        x: the points, shape (n,) on the line or (n, d) in d dimensions (Euclidean distance).
        p, q: masses of P and Q at the points, shape (n,).

    Returns:
        ``(value, f)``: the optimal value (= W1(P, Q) by Kantorovich-Rubinstein duality) and an
        optimal critic f, shape (n,), shifted so that its mean is 0 (f is defined up to a
        constant, which cancels in E_P f - E_Q f).
    """
    points = as_array(x, "x")
    if points.ndim == 1:
        points = points[:, None]
    if points.ndim != 2:
        raise ValueError(f"x must have shape (n,) or (n, d), got {as_array(x, 'x').shape}")
    n = points.shape[0]
    p = as_probability_vector(p, "p", atol=atol)
    q = as_probability_vector(q, "q", atol=atol)
    if p.size != n or q.size != n:
        raise ValueError(f"p and q must have one mass per point of x ({n}), got {p.size} and "
                         f"{q.size}")
    if n == 1:
        return 0.0, np.zeros(1)
    dist = cdist(points, points)
    i, j = np.where(~np.eye(n, dtype=bool))
    A = np.zeros((i.size, n))  # row k: f_i - f_j <= d_ij
    A[np.arange(i.size), i] = 1.0
    A[np.arange(i.size), j] = -1.0
    res = linprog(-(p / p.sum() - q / q.sum()), A_ub=A, b_ub=dist[i, j], bounds=(None, None),
                  method="highs-ds", options={"primal_feasibility_tolerance": 1e-10,
                                              "dual_feasibility_tolerance": 1e-10})
    if res.status != 0:  # cannot happen: f = 0 is feasible and the objective is bounded
        raise RuntimeError(f"the dual LP failed: {res.message}")
    f = res.x - res.x.mean()
    return float(-res.fun), f
