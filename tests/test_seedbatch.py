"""Seed-batched training (gancourse.seedbatch): S runs stacked into one model are the S single
runs -- same start, same random draws, same gradients -- up to float rounding, and they stay
independent of one another."""

from __future__ import annotations

import pytest
import torch

from gancourse.experiments import evaluate, evaluate_runs, make_toy_batch, make_toy_trainer
from gancourse.models import MLPDiscriminator, MLPGenerator
from gancourse.seedbatch import SeedBatchTrainer, StackedDiscriminator, StackedGenerator
from gancourse.training import TrainConfig

SHORT = dict(steps=40, batch_size=64, progress=False)


@pytest.mark.parametrize("method", ["gan", "minibatch-std", "pacgan2", "unrolled5", "wgan-gp"])
def test_a_run_in_a_batch_is_the_single_run(method):
    """Each run of a batch follows the single run of its seed: the same samples and losses
    after 40 steps, to float rounding. The batched product rounds differently, and Adam
    divides each gradient by its own running size, so a rounding-level gradient component
    can become a step of up to lr (1e-3): the tolerance is 2e-3, where another seed's
    samples differ by tenths."""
    torch.set_num_threads(1)
    seeds = [3, 0, 5]
    batch = make_toy_batch("ring", method, seeds, **SHORT)
    batch.train()
    stacked = batch.sample(300)
    losses = torch.zeros(len(batch.history.g_loss))
    for s, seed in enumerate(seeds):
        single = make_toy_trainer("ring", method, seed, **SHORT)
        single.train()
        torch.testing.assert_close(stacked[s], single.sample(300), atol=2e-3, rtol=0)
        losses += torch.tensor(single.history.g_loss)
    # the history records the mean over runs of each run's loss
    torch.testing.assert_close(torch.tensor(batch.history.g_loss), losses / len(seeds),
                               atol=2e-3, rtol=1e-3)
    other = make_toy_trainer("ring", method, 1, **SHORT)
    other.train()
    assert (stacked[0] - other.sample(300)).abs().max() > 0.05


@pytest.mark.parametrize("method", ["minibatch-std", "wgan-gp"])
def test_a_batch_of_one_is_bit_for_bit_the_single_run(method):
    torch.set_num_threads(1)
    batch = make_toy_batch("ring", method, [5], **SHORT)
    single = make_toy_trainer("ring", method, 5, **SHORT)
    batch.train()
    single.train()
    assert torch.equal(batch.sample(300)[0], single.sample(300))
    assert batch.history.d_loss == single.history.d_loss


def test_the_runs_stay_independent():
    """Run 0 does not depend on which seed trains beside it, nor on how many runs do."""
    torch.set_num_threads(1)
    a = make_toy_batch("ring", "minibatch-std", [0, 1], **SHORT)
    b = make_toy_batch("ring", "minibatch-std", [0, 7], **SHORT)
    c = make_toy_batch("ring", "minibatch-std", [0, 7, 8, 9], **SHORT)
    for t in (a, b, c):
        t.train()
    assert torch.equal(a.sample(200)[0], b.sample(200)[0])
    torch.testing.assert_close(a.sample(200)[0], c.sample(200)[0], atol=2e-3, rtol=0)
    assert not torch.allclose(a.sample(200)[1], b.sample(200)[1])  # other seeds differ


def test_metrics_of_a_batched_run_match_the_single_run():
    """After 300 WGAN-GP steps on the ring the literature's metrics agree run by run."""
    torch.set_num_threads(1)
    options = dict(steps=300, batch_size=64, progress=False)
    batch = make_toy_batch("ring", "wgan-gp", [7, 1], **options)
    batch.train()
    stats = evaluate_runs(batch, "ring")[1]
    single = make_toy_trainer("ring", "wgan-gp", 1, **options)
    single.train()
    alone = evaluate(single, "ring")
    assert stats["modes_captured"] == alone["modes_captured"]
    assert stats["high_quality"] == pytest.approx(alone["high_quality"], abs=0.005)


def test_run_gives_ordinary_networks_with_the_runs_weights():
    batch = make_toy_batch("ring", "pacgan2", [0, 1], **SHORT)
    batch.train(5)
    G, D = batch.run(1)
    assert isinstance(G, MLPGenerator) and isinstance(D, MLPDiscriminator)
    z = batch.fixed_z[1, :64]
    with torch.no_grad():
        torch.testing.assert_close(G(z), batch.sample(64)[1])
        x = torch.randn(64, 2)
        stacked = batch.D(torch.cat([torch.randn(64, 2), x]))[32:]  # run 1's packs
        torch.testing.assert_close(D(x), stacked)
    with pytest.raises(ValueError, match="s must be a run index"):
        batch.run(2)


def test_minibatch_std_is_formed_within_each_run():
    torch.manual_seed(0)
    Ds = [MLPDiscriminator(2, (16, 16), minibatch_std=True) for _ in range(2)]
    stacked = StackedDiscriminator(Ds)
    x = torch.randn(2, 50, 2)
    with torch.no_grad():
        out = stacked(x.reshape(100, 2))
        torch.testing.assert_close(out[:50], Ds[0](x[0]))
        torch.testing.assert_close(out[50:], Ds[1](x[1]))


def test_a_checkpoint_resumes_every_run(tmp_path):
    torch.set_num_threads(1)
    ref = make_toy_batch("ring", "wgan-gp", [0, 1], **SHORT)
    ref.train(20)
    first = make_toy_batch("ring", "wgan-gp", [0, 1], **SHORT)
    first.train(10)
    first.save(tmp_path / "b.pt")
    again = make_toy_batch("ring", "wgan-gp", [0, 1], **SHORT).load(tmp_path / "b.pt")
    again.train(10)
    assert torch.equal(again.sample(100), ref.sample(100))


def test_bad_input_is_named():
    Gs = [MLPGenerator(2, 2, (8,)) for _ in range(2)]
    Ds = [MLPDiscriminator(2, (8,)) for _ in range(2)]
    from gancourse.distributions import Ring

    with pytest.raises(ValueError, match="instance_noise"):
        SeedBatchTrainer(Gs, Ds, Ring(), TrainConfig(instance_noise=0.1), [0, 1])
    with pytest.raises(ValueError, match="one entry per run"):
        SeedBatchTrainer(Gs, Ds, Ring(), TrainConfig(), [0, 1, 2])
    with pytest.raises(ValueError, match="one architecture"):
        StackedGenerator([MLPGenerator(2, 2, (8,)), MLPGenerator(2, 2, (9,))])
    with pytest.raises(ValueError, match="conditional"):
        StackedGenerator([MLPGenerator(2, 2, (8,), n_classes=3)])
    with pytest.raises(ValueError, match="MLPDiscriminator"):
        StackedDiscriminator([MLPGenerator(2, 2, (8,))])
    with pytest.raises(ValueError, match="state"):
        SeedBatchTrainer(Gs, Ds, Ring(), TrainConfig(loss="began"), [0, 1])
    with pytest.raises(ValueError, match=r"z must have shape \(S\*B, 2\)"):
        StackedGenerator(Gs)(torch.randn(3, 2))
    with pytest.raises(ValueError, match="seeds must name"):
        make_toy_batch("ring", "gan", [])


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_seed_batches_train_on_cuda():
    """On a GPU the batch trains there, and its runs match the same runs on the CPU to float
    rounding after a few steps (the random draws are made on the CPU, the penalty's on the
    device: compared without a penalty)."""
    options = dict(steps=10, batch_size=64, progress=False)
    gpu = make_toy_batch("ring", "minibatch-std", [0, 1], device="cuda", **options)
    cpu = make_toy_batch("ring", "minibatch-std", [0, 1], device="cpu", **options)
    gpu.train()
    cpu.train()
    assert next(gpu.G.parameters()).is_cuda
    torch.testing.assert_close(gpu.sample(200), cpu.sample(200), atol=2e-3, rtol=0)


def test_single_is_run_s_as_an_ordinary_trainer():
    batch = make_toy_batch("ring", "gan", [4, 2], snapshot_steps=(0, 5), **SHORT)
    batch.train(5)
    one = batch.single(1)
    assert one.config.seed == 2 and one.step == 5
    assert torch.equal(one.sample(100), batch.sample(100)[1])
    assert set(one.history.snapshots) == {0, 5}
    assert (one.history.snapshots[5] == batch.history.snapshots[5][1]).all()
