"""Exercises 08's checks catch the mistakes students make with the metrics: each mutant below
is a plausible error, and it loses exactly the checks that name it."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import linalg

from gancourse.grading import check


def _expect_failures(out: str, failing: list[str]) -> None:
    failed = [line for line in out.splitlines() if "[FAIL]" in line]
    assert len(failed) == len(failing) and all(any(f in line for line in failed)
                                               for f in failing), out


def inception_score(probabilities, *, guard_zeros=True, check_rows=True):
    p = np.asarray(probabilities, dtype=float)
    if check_rows and not np.allclose(p.sum(1), 1.0, atol=1e-6):
        raise ValueError("probabilities must sum to 1")
    m = p.mean(0, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, p * np.log(p / m), 0.0) if guard_zeros else p * np.log(p / m)
    return float(np.exp(terms.sum(1).mean()))


@pytest.mark.parametrize("options, failing", [
    ({}, []),
    # 0 log 0 as NaN: one-hot predictions (the upper bound) have zeros too
    ({"guard_zeros": False}, ["bounds 1 and K", "zeros contribute 0"]),
    ({"check_rows": False}, ["zeros contribute 0"]),
])
def test_inception_score_mutants(options, failing, capsys):
    assert check("08.1", lambda p: inception_score(p, **options)) is (not failing)
    _expect_failures(capsys.readouterr().out, failing)


def frechet(real, fake, *, ddof=1, keep_imaginary=False):
    r, f = np.asarray(real, float), np.asarray(fake, float)
    if r.shape[1] != f.shape[1]:
        raise ValueError("fake has the wrong dimension")
    cr = np.atleast_2d(np.cov(r, rowvar=False, ddof=ddof))
    cf = np.atleast_2d(np.cov(f, rowvar=False, ddof=ddof))
    tr = np.trace(linalg.sqrtm(cr @ cf))
    value = np.sum((r.mean(0) - f.mean(0)) ** 2) + np.trace(cr + cf) - 2 * tr
    return value if keep_imaginary else float(max(value.real, 0.0))


@pytest.mark.parametrize("options, failing", [
    ({}, []),
    ({"ddof": 0}, ["correlated 6-D", "1-D"]),  # the biased covariance
])
def test_frechet_mutants(options, failing, capsys):
    assert check("08.2", lambda r, f: frechet(r, f, **options)) is (not failing)
    _expect_failures(capsys.readouterr().out, failing)


def precision_recall(real, fake, k=3, *, own_point=False, strict=False):
    r, f = np.asarray(real, float), np.asarray(fake, float)
    if not 1 <= k < min(len(r), len(f)):
        raise ValueError("k out of range")

    def dist(a, b):
        return np.sqrt(((a[:, None] - b[None]) ** 2).sum(-1))

    def inside(points, centres):
        radii = np.sort(dist(centres, centres), axis=1)[:, k - 1 if own_point else k]
        d = dist(points, centres)
        return float(((d < radii) if strict else (d <= radii)).any(1).mean())

    return inside(f, r), inside(r, f)


@pytest.mark.parametrize("options, failing", [
    ({}, []),
    ({"own_point": True}, ["scikit-learn"]),  # counts the point itself as a neighbour
])
def test_precision_recall_mutants(options, failing, capsys):
    assert check("08.3", lambda r, f, k=3: precision_recall(r, f, k, **options)) is (not failing)
    _expect_failures(capsys.readouterr().out, failing)


def kernel_distance(real, fake, *, biased=False):
    x, y = np.asarray(real, float), np.asarray(fake, float)
    if x.shape[1] != y.shape[1]:
        raise ValueError("fake has the wrong dimension")
    d, n, m = x.shape[1], len(x), len(y)
    kxx, kyy, kxy = ((x @ x.T / d + 1) ** 3, (y @ y.T / d + 1) ** 3, (x @ y.T / d + 1) ** 3)
    if biased:  # the V-statistic: diagonal kept, divided by n^2
        return float(kxx.mean() + kyy.mean() - 2 * kxy.mean())
    return float((kxx.sum() - np.trace(kxx)) / (n * (n - 1))
                 + (kyy.sum() - np.trace(kyy)) / (m * (m - 1)) - 2 * kxy.mean())


@pytest.mark.parametrize("options, failing", [
    ({}, []),
    ({"biased": True}, ["diagonals removed", "unbiased"]),
])
def test_kid_mutants(options, failing, capsys):
    assert check("08.4", lambda x, y: kernel_distance(x, y, **options)) is (not failing)
    _expect_failures(capsys.readouterr().out, failing)


def fid_infinity(real, fake, sizes=(100, 200, 400, 1000), draws=5, seed=0, *, fit="1/n"):
    from gancourse.evaluation import fid

    rng = np.random.default_rng(seed)
    means = []
    for n in sizes:
        values = [fid(real[rng.choice(len(real), n, replace=False)],
                      fake[rng.choice(len(fake), n, replace=False)]) for _ in range(draws)]
        means.append(float(np.mean(values)))
    if fit == "largest n":  # no correction: the FID at the most samples
        return means[-1], means
    x = 1.0 / np.asarray(sizes, float) if fit == "1/n" else np.asarray(sizes, float)
    (a, _), *_ = np.linalg.lstsq(np.stack([np.ones(len(x)), x], 1), np.array(means),
                                 rcond=None)
    return float(a), means


@pytest.mark.parametrize("fit, failing", [
    ("1/n", []),
    ("largest n", ["the protocol", "digits, seed 0"]),
    ("n", ["the protocol", "digits, seed 0"]),  # a straight line in n, not 1/n
])
def test_fid_infinity_mutants(fit, failing, capsys):
    def submitted(real, fake, sizes=(100, 200, 400, 1000), draws=5, seed=0):
        return fid_infinity(real, fake, sizes, draws, seed, fit=fit)

    assert check("08.5", submitted) is (not failing)
    _expect_failures(capsys.readouterr().out, failing)
