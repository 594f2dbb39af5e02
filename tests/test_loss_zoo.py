"""Lecture 09's f-GAN set-up reaches the optima that quadrature predicts: one Gaussian fitted
to lecture 01's two modes by KL covers both, by reverse KL sits on one -- or, started between
the modes, in the reverse KL's other local optimum."""

import numpy as np
import pytest

from gancourse.likelihood import fit_gaussian_by_kl
from gancourse.loss_zoo import TWO_MODES, make_fgan_1d

X = np.linspace(-12, 12, 24001)


def fitted(divergence, seed, **options):
    trainer = make_fgan_1d(divergence, seed, device="cpu", **options)
    trainer.train()
    return float(trainer.G.mu.detach()), trainer.G.sigma


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_kl_covers_and_reverse_kl_seeks(seed):
    forward = fit_gaussian_by_kl(TWO_MODES.pdf(X), X, "forward")
    reverse = fit_gaussian_by_kl(TWO_MODES.pdf(X), X, "reverse")
    mu, sigma = fitted("kl", seed)
    assert abs(mu - forward[0]) < 0.75 and abs(sigma - forward[1]) < 0.1  # seed 1: -0.49
    mu, sigma = fitted("reverse_kl", seed)
    assert abs(abs(mu) - abs(reverse[0])) < 0.1 and abs(sigma - reverse[1]) < 0.05


def test_reverse_kl_started_between_the_modes_stays_in_its_local_optimum():
    local = fit_gaussian_by_kl(TWO_MODES.pdf(X), X, "reverse", starts=[0.0])
    mu, sigma = fitted("reverse_kl", 0, start_mu=0.0)
    assert abs(mu - local[0]) < 0.3 and abs(sigma - local[1]) < 0.1


def test_bad_divergence_names_the_argument():
    with pytest.raises(ValueError, match="divergence must be one of"):
        make_fgan_1d("wasserstein")


# -- the bench -------------------------------------------------------------------------------
def test_zoo_nonsaturating_run_is_the_toy_benchmarks_gan_run():
    """Only the loss changes between the bench's rows: its 'nonsaturating' is the very 'gan'
    run of gancourse.experiments (same networks, seed and schedule), step for step."""
    import torch

    from gancourse.experiments import make_toy_trainer
    from gancourse.loss_zoo import make_zoo_trainer

    zoo = make_zoo_trainer("ring", "nonsaturating", 3, steps=20, device="cpu")
    toy = make_toy_trainer("ring", "gan", 3, steps=20, device="cpu", progress=False)
    zoo.train()
    toy.train()
    assert zoo.config == toy.config
    assert torch.equal(zoo.sample(100), toy.sample(100))


def test_zoo_builds_each_loss_with_the_discriminator_it_needs():
    from gancourse.energy import AutoEncoderDiscriminator
    from gancourse.loss_zoo import ZOO, make_zoo_trainer
    from gancourse.models import MLPDiscriminator

    for name, spec in ZOO.items():
        trainer = make_zoo_trainer("line", name, 0, steps=2, device="cpu")
        kind = AutoEncoderDiscriminator if spec.energy_power else MLPDiscriminator
        assert isinstance(trainer.D, kind), name
        assert trainer.G.latent_dim == 1 and trainer.D.in_dim == 1
        trainer.train()  # one loop for all: every loss takes its steps
    with pytest.raises(ValueError, match="loss must be one of"):
        make_zoo_trainer("ring", "wgan")
    with pytest.raises(ValueError, match="dataset must be one of"):
        make_zoo_trainer("spiral", "hinge")


def test_evaluate_zoo_against_mode_stats_and_the_assignment_w1():
    from scipy.optimize import linear_sum_assignment
    from scipy.spatial.distance import cdist

    from gancourse.experiments import toy_dataset
    from gancourse.loss_zoo import _data_points, evaluate_zoo, make_zoo_trainer, w1_floor
    from gancourse.metrics import mode_stats

    trainer = make_zoo_trainer("grid", "hinge", 0, steps=5, device="cpu")
    trainer.train()
    got = evaluate_zoo(trainer, "grid", n=600, n_w1=300)
    samples = trainer.sample(600).numpy()
    want = mode_stats(samples, toy_dataset("grid").means, 0.05)
    assert got["modes_captured"] == want.modes_captured and got["n_modes"] == 25
    assert got["high_quality"] == want.high_quality
    cost = cdist(samples[:300], _data_points("grid", 300, 7))
    rows, cols = linear_sum_assignment(cost)
    assert got["w1"] == pytest.approx(cost[rows, cols].mean(), rel=1e-12)
    assert 0 < w1_floor("ring", 200) < 0.2  # two samples of the same ring are close in W1


def test_the_saved_bench_is_the_bench_the_code_defines():
    """gancourse/data/loss_zoo.json (benchmarks/loss_zoo.py) holds every loss x dataset x seed
    of ZOO with the settings ZOO gives today, its traces have the stops they claim, and every
    finished run's W1 is no less than half the data's own sampling floor."""
    from gancourse.fdivergences import F_DIVERGENCES
    from gancourse.loss_zoo import FGAN_1D, ZOO, ZOO_DATASETS, ZOO_STEPS, load_zoo

    zoo = load_zoo()
    assert zoo["steps"] == ZOO_STEPS
    assert json_like(zoo["losses"]) == json_like(
        {m: {"description": s.description, "config": s.config, "energy_power": s.energy_power}
         for m, s in ZOO.items()})
    keys = sorted((r["dataset"], r["loss"], r["seed"]) for r in zoo["runs"])
    assert keys == sorted((d, m, s) for d in ZOO_DATASETS for m in ZOO for s in range(5))
    for r in zoo["runs"]:
        assert r["steps"] == ZOO_STEPS[r["dataset"]]
        stops = r["trace"]["step"]
        if not r["diverged"]:
            assert stops == list(range(0, r["steps"] + 1, r["steps"] // zoo["stops"]))
            assert r["w1"] >= 0.5 * zoo["w1_floor"][r["dataset"]]  # no run beats sampling noise 2x
        assert ("measure" in r["trace"]) == (r["loss"] == "began")
    fgan = zoo["fgan_1d"]
    assert json_like(fgan["settings"]) == json_like(FGAN_1D)
    assert sorted((r["divergence"], r["seed"]) for r in fgan["runs"]) == \
        sorted((f, s) for f in F_DIVERGENCES for s in range(5))


def json_like(value):
    import json

    return json.loads(json.dumps(value))


def test_began_convergence_records_the_measure_from_the_controls_trace():
    from gancourse.loss_zoo import run_began_convergence

    out = run_began_convergence(0, stops=(3, 7), device="cpu")
    assert out["step"] == [3, 7] and len(out["measure"]) == len(out["w1"]) == 2
    assert all(m > 0 for m in out["measure"]) and all(0 <= k <= 1 for k in out["k"])
    with pytest.raises(ValueError, match="stops must be increasing"):
        run_began_convergence(0, stops=(10, 5))


def test_bench_summaries_on_a_hand_made_bench():
    from gancourse.loss_zoo import failed_runs, zoo_summary

    def run(loss, seed, w1, diverged=False, modes=8):
        return {"dataset": "ring", "loss": loss, "seed": seed, "w1": None if diverged else w1,
                "diverged": diverged, "modes_captured": 0 if diverged else modes,
                "high_quality": 0.0 if diverged else 0.9, "seconds": 2.0 + seed}

    zoo = {"w1_floor": {"ring": 0.05}, "losses": {"a": {}, "b": {}},
           "runs": [run("a", 0, 0.1), run("a", 1, 0.6), run("a", 2, 0.2, diverged=True),
                    run("b", 0, 0.49, modes=7)]}
    assert failed_runs(zoo, "a", "ring") == 2  # W1 0.6 > 10 x 0.05, and the diverged run
    assert failed_runs(zoo, "b", "ring") == 0
    rows = zoo_summary(zoo, "ring")
    assert rows["a"]["diverged"] == 1 and rows["a"]["modes"].tolist() == [8, 8, 0]
    assert rows["a"]["w1"].tolist() == [0.1, 0.6] and rows["a"]["seconds"] == 3.0
    assert rows["b"]["modes"].tolist() == [7] and rows["b"]["hq"].tolist() == [0.9]
