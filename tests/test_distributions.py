"""Toy distributions: shapes, seeding, densities against scipy, benchmark geometry."""

import math

import numpy as np
import pytest
import torch
from scipy import integrate, stats

import gancourse as gc

ALL = [gc.Gaussian1D(1.0, 2.0), gc.GaussianMixture([-2.0, 3.0], [0.5, 1.0], [0.3, 0.7]),
       gc.Uniform1D(-1.0, 2.0), gc.Ring(), gc.Grid(), gc.ParallelLine(0.5), gc.SwissRoll()]


@pytest.mark.parametrize("dist", ALL, ids=repr)
def test_sample_shape_dtype_and_seed(dist):
    x = dist.sample(64, seed=3)
    assert isinstance(x, torch.Tensor) and x.dtype == torch.float32
    assert x.shape == (64, dist.dim)
    assert torch.equal(x, dist.sample(64, seed=3))
    assert not torch.equal(x, dist.sample(64, seed=4))
    gen = torch.Generator().manual_seed(3)
    a, b = dist.sample(10, seed=gen), dist.sample(10, seed=gen)
    assert not torch.equal(a, b)  # a generator's stream continues


@pytest.mark.parametrize("dist", [d for d in ALL if d.dim == 1], ids=repr)
def test_1d_densities_integrate_to_one(dist):
    total, _ = integrate.quad(lambda t: dist.pdf([t])[0], -30, 30, points=[-1, 2], limit=200)
    assert total == pytest.approx(1.0, abs=1e-6)


def test_gaussian_and_mixture_pdf_match_scipy():
    x = np.linspace(-6, 6, 101)
    np.testing.assert_allclose(gc.Gaussian1D(1.0, 2.0).pdf(x), stats.norm.pdf(x, 1, 2),
                               rtol=1e-12)
    mix = gc.GaussianMixture([-2.0, 3.0], [0.5, 1.0], [0.3, 0.7])
    ref = 0.3 * stats.norm.pdf(x, -2, 0.5) + 0.7 * stats.norm.pdf(x, 3, 1.0)
    np.testing.assert_allclose(mix.pdf(x), ref, rtol=1e-12)
    np.testing.assert_allclose(mix.log_pdf(x.reshape(-1, 1)), np.log(ref), rtol=1e-12)


def test_mixture_cdf_matches_scipy():
    mix = gc.GaussianMixture([-1.0, 2.5], [0.5, 1.5], [0.3, 0.7])
    x = np.linspace(-5, 8, 41)
    expected = 0.3 * stats.norm.cdf(x, -1.0, 0.5) + 0.7 * stats.norm.cdf(x, 2.5, 1.5)
    np.testing.assert_allclose(mix.cdf(x), expected, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(gc.Gaussian1D(1.0, 2.0).cdf([1.0]), [0.5])
    with pytest.raises(ValueError, match="1-D mixture"):
        gc.Ring().cdf(np.zeros((2, 2)))


def test_2d_mixture_pdf_matches_scipy(rng):
    ring = gc.Ring()
    x = rng.normal(size=(50, 2))
    ref = np.mean([stats.multivariate_normal(m, 0.01**2 * np.eye(2)).pdf(x)
                   for m in ring.means], axis=0)
    np.testing.assert_allclose(ring.pdf(x), ref, rtol=1e-10)


def test_uniform_pdf():
    u = gc.Uniform1D(-1.0, 2.0)
    np.testing.assert_allclose(u.pdf([-1.5, -1.0, 0.0, 2.0, 2.1]), [0, 1 / 3, 1 / 3, 1 / 3, 0])


def test_sample_moments_match_the_distribution():
    x = gc.GaussianMixture([-2.0, 3.0], [0.5, 1.0], [0.3, 0.7]).sample(200_000, seed=0)
    mean = 0.3 * -2 + 0.7 * 3
    var = 0.3 * (0.25 + 4) + 0.7 * (1 + 9) - mean**2
    assert x.mean().item() == pytest.approx(mean, abs=0.02)
    assert x.var().item() == pytest.approx(var, rel=0.02)
    u = gc.Uniform1D(-1.0, 2.0).sample(100_000, seed=0)
    assert u.min() >= -1 and u.max() <= 2
    # Kolmogorov-Smirnov against the exact CDF
    assert stats.kstest(u[:, 0].numpy(), stats.uniform(-1, 3).cdf).pvalue > 1e-3


def test_ring_geometry_pacgan():
    ring = gc.Ring()
    assert ring.n_modes == 8
    np.testing.assert_allclose(np.linalg.norm(ring.means, axis=1), 1.0)
    angles = np.sort(np.mod(np.arctan2(ring.means[:, 1], ring.means[:, 0]), 2 * np.pi))
    np.testing.assert_allclose(np.diff(angles), 2 * np.pi / 8)  # 8 distinct, equally spaced
    assert ring.stds[0] == 0.01


def test_grid_geometry_pacgan():
    grid = gc.Grid()
    assert grid.n_modes == 25
    assert sorted(set(grid.means[:, 0])) == [-4, -2, 0, 2, 4]
    assert len({tuple(m) for m in grid.means}) == 25
    assert grid.stds[0] == 0.05


def test_labels_index_the_component():
    ring = gc.Ring()
    x, y = ring.sample_with_labels(1000, seed=0)
    assert y.dtype == torch.int64 and set(y.tolist()) == set(range(8))
    nearest = np.argmin(((x.numpy()[:, None] - ring.means[None]) ** 2).sum(-1), axis=1)
    np.testing.assert_array_equal(nearest, y.numpy())


def test_parallel_line_and_swiss_roll():
    x = gc.ParallelLine(-0.7).sample(500, seed=0)
    assert torch.all(x[:, 0] == torch.tensor(-0.7))
    assert 0 <= x[:, 1].min() and x[:, 1].max() <= 1
    with pytest.raises(NotImplementedError, match="no density"):
        gc.ParallelLine(0.0).pdf(np.zeros((1, 2)))
    roll = gc.SwissRoll(noise=0.0).sample(500, seed=0).numpy() / 0.25
    radius, angle = np.linalg.norm(roll, axis=1), np.arctan2(roll[:, 1], roll[:, 0])
    # on the curve t (cos t, sin t): the radius is t, so its angle is t mod 2 pi
    np.testing.assert_allclose(np.cos(angle), np.cos(radius), atol=1e-4)
    assert radius.min() >= 1.5 * math.pi - 1e-4 and radius.max() <= 4.5 * math.pi + 1e-4


def test_device_argument_moves_samples():
    x = gc.Ring().sample(4, seed=0, device="cpu")
    assert x.device.type == "cpu"


@pytest.mark.parametrize("make, match", [
    (lambda: gc.Gaussian1D(0.0, -1.0), "std must be a positive finite number"),
    (lambda: gc.Uniform1D(1.0, 1.0), "high must be greater than low"),
    (lambda: gc.Ring(n_modes=0), "n_modes must be at least 1"),
    (lambda: gc.GaussianMixture([0.0, 1.0], [1.0]), "stds must hold one value per component"),
    (lambda: gc.GaussianMixture([0.0, 1.0], 1.0, [0.5, 0.6]), "weights must sum to 1"),
    (lambda: gc.Ring().sample(0), "n must be at least 1"),
    (lambda: gc.Ring().sample(2.5), "n must be an integer"),
    (lambda: gc.Ring().sample(3, seed=-1), "seed must be at least 0"),
    (lambda: gc.Ring().pdf(np.zeros((3, 3))), r"x must have shape \(n, 2\)"),
    (lambda: gc.SwissRoll(noise=-1), "noise must be non-negative"),
])
def test_bad_parameters_raise(make, match):
    with pytest.raises(ValueError, match=match):
        make()
