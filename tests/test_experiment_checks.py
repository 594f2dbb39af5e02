"""A graded experiment's check must fail for the configuration it is meant to tell apart, on
the seeds it uses: otherwise it grades nothing. Each test hands the grader a student function
that runs the experiment without the ingredient under test."""

from __future__ import annotations

import pytest
import torch

from gancourse import limit_cpu_threads
from gancourse.grading import check


@pytest.fixture(autouse=True)
def one_thread():
    """As the exercise notebooks run (their first cell): small networks are fastest on one
    thread, and each call has the grader's time limit."""
    before = torch.get_num_threads()
    limit_cpu_threads()
    yield
    torch.set_num_threads(before)


@pytest.mark.slow
def test_04_5_fails_for_the_vanilla_gan(capsys):
    """Lecture 04's small GAN without minibatch-std collapses on the check's seeds (0 to 4
    modes of 8 on ten seeds measured, where the check asks for 6 on the middle of three)."""
    def vanilla(steps, seed):
        import gancourse as gc
        from gancourse.metrics import mode_stats
        from gancourse.models import MLPDiscriminator, MLPGenerator
        from gancourse.training import GANTrainer, TrainConfig

        gc.seed_everything(seed)
        ring = gc.Ring()
        G, D = MLPGenerator(2, 2, (64, 64)), MLPDiscriminator(2, (64, 64))  # no minibatch-std
        config = TrainConfig(steps=steps, batch_size=128, lr_d=1e-3, lr_g=3e-3,
                             betas=(0.5, 0.9), lr_decay_start=0.5, lr_final=0.05, seed=seed,
                             progress=False)
        trainer = GANTrainer(G, D, ring, config, device="cpu")
        trainer.train()
        return mode_stats(trainer.sample(2500).numpy(), ring.means, 0.01).modes_captured

    assert check("04.5", vanilla) is False
    out = capsys.readouterr().out
    assert out.count("[FAIL]") == 1 and "expected at least 6 modes captured" in out, out


@pytest.mark.slow
def test_05_5_fails_without_the_penalty(capsys):
    """An unconstrained critic's "estimate" runs away from W1."""
    def no_penalty(m, steps, seed):
        import torch

        import gancourse as gc
        from gancourse.models import MLPDiscriminator
        from gancourse.training import fit_discriminator

        gc.seed_everything(seed)
        P, Q = gc.Gaussian1D(0.0, 1.0), gc.Gaussian1D(m, 1.0)
        critic = MLPDiscriminator(1, (64, 64))
        fit_discriminator(critic, P.sample(4096, seed=seed + 1), Q.sample(4096, seed=seed + 2),
                          steps=steps, batch_size=256, loss="wgan", betas=(0.5, 0.9), seed=seed)
        with torch.no_grad():
            fresh_p, fresh_q = P.sample(20000, seed=seed + 3), Q.sample(20000, seed=seed + 4)
            return float(critic(fresh_p).mean() - critic(fresh_q).mean())

    assert check("05.5", no_penalty) is False
    assert capsys.readouterr().out.count("[FAIL]") == 2


@pytest.mark.slow
def test_06_6_fails_when_both_runs_lack_mismatches(capsys):
    def both_plain(steps, seed):
        from gancourse.conditional import make_ring_cgan, ring_condition_rate

        rates = []
        for _ in range(2):
            trainer = make_ring_cgan(seed=seed, steps=steps, mismatch=False, device="cpu")
            trainer.train()
            rates.append(ring_condition_rate(trainer.G))
        return rates[0], rates[1]

    assert check("06.6", both_plain) is False
    assert capsys.readouterr().out.count("[FAIL]") == 2


@pytest.mark.slow
def test_07_6_fails_for_a_random_direction(capsys):
    """The same experiment with a random direction of the averaged one's length thickens and
    thins a seed-dependent share (0.31-0.89 thicker, 0.35-0.83 thinner on seeds 0-4; 0.31 and
    0.63 thicker on seeds 0 and 1), so both checks fail."""
    def random_direction(seed):
        from gancourse.mnist_gans import load_digit_generator

        G = load_digit_generator()
        gen = torch.Generator().manual_seed(seed)
        z = torch.randn(2000, G.latent_dim, generator=gen)
        ink = lambda x: ((x + 1) / 2).sum(dim=(1, 2, 3))
        with torch.no_grad():
            order = torch.argsort(ink(G(z)))
            averaged = z[order[-200:]].mean(0) - z[order[:200]].mean(0)
            new = torch.randn(500, G.latent_dim, generator=gen)
            d = torch.randn(G.latent_dim, generator=gen)
            d *= averaged.norm() / d.norm()
            before = ink(G(new))
            return (float((ink(G(new + d)) > before).float().mean()),
                    float((ink(G(new - d)) < before).float().mean()))

    assert check("07.6", random_direction) is False
    out = capsys.readouterr().out
    assert out.count("[FAIL]") == 2, out


@pytest.mark.slow
def test_09_5_fails_for_the_wrong_parameter(capsys):
    """Exercise 09.5 reports sigma; a student who records log sigma (the generator's raw
    parameter) fails the protocol and the covering question (log 2.1 = 0.74 < 1.5)."""
    import numpy as np

    from gancourse.loss_zoo import make_fgan_1d

    def log_sigma_instead(divergence, seeds=(0, 1), steps=1500):
        rows = []
        for seed in seeds:
            trainer = make_fgan_1d(divergence, seed, steps=steps, device="cpu")
            trainer.train()
            rows.append((float(trainer.G.mu.detach()), float(np.log(trainer.G.sigma))))
        return np.array(rows)

    assert check("09.5", log_sigma_instead) is False
    out = capsys.readouterr().out
    assert out.count("[FAIL]") == 2 and "the protocol" in out and "800 steps" in out, out
