"""Named toy experiments: each method is the shared set-up plus its own options."""

import pytest

import numpy as np
import torch

import gancourse as gc
from gancourse.experiments import (DEMOS, METHODS, TOY_STEPS, evaluate, make_toy_trainer,
                                   watch_wasserstein)


def test_methods_differ_only_by_their_options():
    base = make_toy_trainer("ring", "gan", progress=False)
    pac = make_toy_trainer("ring", "pacgan4", progress=False)
    assert pac.D.pack == 4 and base.D.pack == 1
    assert pac.config.batch_size == 4 * base.config.batch_size  # as many packs as samples
    assert make_toy_trainer("grid", "unrolled5").config.unrolled_steps == 5
    wgan = make_toy_trainer("ring", "wgan-gp").config
    assert (wgan.loss, wgan.gp_weight, wgan.k_steps) == ("wgan", 1.0, 5)
    assert base.config.steps == TOY_STEPS["ring"] and base.config.lr_decay_start == 0.5
    grid = make_toy_trainer("grid", "gan").config
    assert (grid.steps, grid.lr_decay_start, grid.lr_final) == (TOY_STEPS["grid"], 0.3, 0.02)



def test_collapse_variants_change_one_thing_each():
    """Lecture 04/05 compare like with like: same networks, steps, seed and schedule."""
    from dataclasses import asdict

    base = make_toy_trainer("ring", "collapse", progress=False)
    assert (base.config.lr_g, base.config.lr_d, base.config.k_steps) == (3e-3, 1e-3, 1)
    expected = {"collapse-mbstd": {}, "collapse-k5": {"k_steps": 5},
                "collapse-wgan-gp": {"loss": "wgan", "gp_weight": 1.0},
                "collapse-wgan-gp-k5": {"loss": "wgan", "gp_weight": 1.0, "k_steps": 5}}
    shape = lambda net: [tuple(p.shape) for p in net.parameters()]
    for method, changed in expected.items():
        variant = make_toy_trainer("ring", method, progress=False)
        a, b = asdict(base.config), asdict(variant.config)
        assert {k: v for k, v in b.items() if a[k] != v} == changed, method
        assert shape(variant.G) == shape(base.G)
        assert (variant.D.mbstd is not None) == (method == "collapse-mbstd")
    assert set(expected) | {"collapse"} == set(DEMOS)


def test_seeded_and_overridable():
    a = make_toy_trainer("ring", "gan", seed=3, steps=5, progress=False)
    b = make_toy_trainer("ring", "gan", seed=3, steps=5, progress=False)
    a.train()
    b.train()
    assert a.history.d_loss == b.history.d_loss
    stats = evaluate(a, "ring", n=2500)  # more than n_snapshot: still 2500 samples
    assert set(stats) == {"modes_captured", "n_modes", "high_quality", "reverse_kl",
                          "n_samples"}
    assert stats["n_samples"] == 2500


def test_unknown_names():
    with pytest.raises(ValueError, match="method must be one of"):
        make_toy_trainer("ring", "magic")
    with pytest.raises(ValueError, match="dataset must be 'ring' or 'grid'"):
        make_toy_trainer("spiral", "gan")
    assert all(m.description for m in METHODS.values())


def test_a_recipe_sets_its_own_budget_and_networks():
    from gancourse.experiments import make_toy_batch, run_collapse_seeds

    trainer = make_toy_trainer("grid", "minimax-mbstd-64", progress=False)
    assert trainer.config.steps == METHODS["minimax-mbstd-64"].steps["grid"] == 12000
    assert trainer.config.fused_optimizer and trainer.D.mbstd is not None
    assert [m.out_features for m in trainer.G.modules() if isinstance(m, torch.nn.Linear)] \
        == [64, 64, 64, 2]
    assert make_toy_trainer("ring", "gan", progress=False).config.steps == TOY_STEPS["ring"]
    assert make_toy_batch("ring", "gan-64", [0, 1], steps=3, progress=False).config.steps == 3
    with pytest.raises(ValueError, match="method must be one of collapse"):
        run_collapse_seeds("gan")


def test_saved_benchmark_is_complete(tmp_path):
    from gancourse.experiments import load_benchmark

    data = load_benchmark()
    runs = {(r["dataset"], r["method"]) for r in data["runs"]}
    # every benchmark method on its data sets (a recipe names its own)
    assert {(d, m) for m in METHODS if m not in DEMOS
            for d in (METHODS[m].steps or TOY_STEPS)} <= runs
    assert "cpu" in data["machine"]
    with pytest.raises(FileNotFoundError, match="run `.venv/bin/python benchmarks/toy2d.py`"):
        load_benchmark(tmp_path / "missing.json")


def test_watch_wasserstein_records_the_critic_gap_and_exact_w1():
    trainer = make_toy_trainer("ring", "collapse-wgan-gp-k5", steps=4, eval_every=2,
                               progress=False)
    assert (trainer.config.loss, trainer.config.k_steps) == ("wgan", 5)
    floor = watch_wasserstein(trainer, "ring", n=100, seed=5)
    trainer.train()
    m = trainer.history.metrics
    assert trainer.history.eval_step == [0, 2, 4] and len(m["critic"]) == len(m["w1"]) == 3
    # recompute the last entry independently
    real = gc.Ring().sample(100, seed=5)
    fake = trainer.sample(100)
    with torch.no_grad():
        gap = float(trainer.D(real).mean() - trainer.D(fake).mean())
    assert m["critic"][-1] == pytest.approx(gap, abs=1e-5)
    assert m["w1"][-1] == pytest.approx(gc.w1_point_clouds(real.numpy(), fake.numpy()))
    assert 0 < floor < m["w1"][0]  # an untrained generator is far from the data
    with pytest.raises(ValueError, match="eval_every"):
        watch_wasserstein(make_toy_trainer("ring", "gan", steps=1), "ring")
    assert np.isfinite(m["critic"]).all()


def test_run_line_trains_the_collapse_configuration_in_one_dimension():
    from gancourse.experiments import COLLAPSE_SCHEDULE, LINE_MODES, run_line

    trainer, r = run_line(seed=0, steps=20, device="cpu")
    assert trainer.G.latent_dim == 1 and trainer.config.steps == 20
    assert all(getattr(trainer.config, k) == v for k, v in COLLAPSE_SCHEDULE.items())
    assert LINE_MODES.dim == 1 and LINE_MODES.n_modes == 5
    assert 0 <= r["modes_captured"] <= 5 and 0 <= r["high_quality"] <= 1
    assert sum(r["counts"]) == round(2500 * r["high_quality"])  # counts are the HQ samples
    _, again = run_line(seed=0, steps=20, device="cpu")
    assert again["counts"] == r["counts"]  # seeded
