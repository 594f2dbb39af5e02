"""The live lab, driven as a learner would (buttons, sliders, ticks of play), checked against
the numbers behind its figure: D evaluated directly, hand-built trainers, scipy."""

import asyncio
import io

import numpy as np
import pytest
import torch
from PIL import Image
from scipy.stats import wasserstein_distance

from gancourse.distributions import Ring, SwissRoll
from gancourse.fields import discriminator_field, generator_pull, pull_alignment
from gancourse.live import LAB_DATA, make_lab_trainer
from gancourse.models import MLPDiscriminator, MLPGenerator
from gancourse.seeding import seeded
from gancourse.training import GANTrainer, TrainConfig, TrainingDiverged
from gancourse.wasserstein import w1_point_clouds
from gancourse.widgets import LiveLab


@pytest.fixture
def lab():
    return LiveLab("ring", seed=3, device="cpu", n_show=200, grid_size=24)


def _hand_built(seed: int, **config) -> GANTrainer:
    """The lab's ring run, written out without gancourse.live."""
    with seeded(seed):
        G = MLPGenerator(2, 2, (64, 64))
        D = MLPDiscriminator(2, (64, 64))
    cfg = TrainConfig(steps=1_000_000, seed=seed, batch_size=128, betas=(0.5, 0.9),
                      n_snapshot=500, progress=False, **config)
    return GANTrainer(G, D, Ring(), cfg, device="cpu")


def _same_parameters(a: torch.nn.Module, b: torch.nn.Module) -> bool:
    return all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))


def test_the_field_is_d_evaluated_at_the_grid(lab):
    lab.iterate(20)
    r = lab.result
    with torch.no_grad():
        logits = lab.trainer.D(torch.as_tensor(lab.points)).numpy()[:, 0]
    np.testing.assert_allclose(r["raw_field"], logits, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(r["field"], 1 / (1 + np.exp(-logits)), rtol=1e-5)
    # the heat map holds the same numbers, laid out on the grid
    np.testing.assert_allclose(lab.im.get_array().ravel(), r["field"], rtol=1e-6)
    assert r["points"].shape == (24 * 24, 2)


def test_a_critic_field_is_the_raw_score_rescaled_on_the_figure(lab):
    lab.controls["loss"].value = "WGAN-GP"
    lab.iterate(5)
    r = lab.result
    assert not r["probability"]
    with torch.no_grad():
        scores = lab.trainer.D(torch.as_tensor(lab.points)).numpy()[:, 0]
    np.testing.assert_allclose(r["field"], scores, rtol=1e-5, atol=1e-6)
    shown = lab.im.get_array().ravel()
    assert shown.min() == pytest.approx(0) and shown.max() == pytest.approx(1)
    assert np.argmax(shown) == np.argmax(scores)


def test_minibatch_std_field_judges_each_point_inside_the_generated_batch():
    torch.manual_seed(0)
    D = MLPDiscriminator(2, (16, 16), minibatch_std=True)
    fakes = torch.randn(400, 2)
    points = torch.tensor([[0.5, -0.3], [2.0, 1.0], [-1.0, 0.0]])
    field = discriminator_field(D, points, context=fakes)
    with torch.no_grad():  # D on the real batch with the point added: one point of 401
        direct = torch.stack([D(torch.cat([fakes, p[None]]))[-1, 0] for p in points])
    np.testing.assert_allclose(field.numpy(), direct.numpy(), atol=2e-3)
    with pytest.raises(ValueError, match="context"):
        discriminator_field(D, points)


def test_packed_field_judges_a_pack_of_copies():
    torch.manual_seed(1)
    D = MLPDiscriminator(2, (16,), pack=2)
    points = torch.randn(5, 2)
    with torch.no_grad():
        direct = torch.stack([D(torch.stack([p, p]))[0, 0] for p in points])
    np.testing.assert_allclose(discriminator_field(D, points).numpy(), direct.numpy(), rtol=1e-6)


@pytest.mark.parametrize("loss", ["nonsaturating", "minimax"])
def test_the_pull_is_minus_each_samples_loss_gradient(loss):
    from gancourse.losses import get_loss

    torch.manual_seed(2)
    D = MLPDiscriminator(2, (16, 16))
    x = torch.randn(12, 2, requires_grad=True)
    logit = D(x)[:, 0]
    (grad_f,) = torch.autograd.grad(logit.sum(), x)  # each sample's own d logit / d x
    d = torch.sigmoid(logit).detach()[:, None]
    # -log D(x) has gradient -(1 - D) grad f; log(1 - D(x)) has gradient -D grad f
    expected = (1 - d) * grad_f if loss == "nonsaturating" else d * grad_f
    pull = generator_pull(D, get_loss(loss).g_loss, x.detach())
    np.testing.assert_allclose(pull.numpy(), expected.numpy(), rtol=1e-5, atol=1e-7)


def test_pull_alignment():
    same = np.array([[1.0, 0.0], [3.0, 0.0], [0.5, 0.0]])
    assert pull_alignment(same) == pytest.approx(1.0)
    assert pull_alignment(np.array([[1.0, 0.0], [-2.0, 0.0]])) == pytest.approx(0.0)
    angles = np.linspace(0, 2 * np.pi, 13)[:-1]  # 12 directions around the circle
    assert pull_alignment(np.c_[np.cos(angles), np.sin(angles)]) == pytest.approx(0, abs=1e-12)
    # by hand: unit vectors (1, 0) and (0, 1) average to (1/2, 1/2), of length 1/sqrt(2)
    assert pull_alignment([[5.0, 0.0], [0.0, 0.1], [0.0, 0.0]]) == pytest.approx(2**-0.5)
    with pytest.raises(ValueError, match="pull must have shape"):
        pull_alignment(np.zeros(3))


def test_an_iteration_is_one_trainer_step_exactly():
    lab = LiveLab("ring", seed=5, lr_g=3e-3, device="cpu", n_show=100, grid_size=10)
    ref = _hand_built(5, lr_g=3e-3)
    for _ in range(3):
        lab.buttons["iteration"].click()
    ref.train(3)
    assert lab.trainer.step == 3 and _same_parameters(lab.trainer.G, ref.G)
    assert _same_parameters(lab.trainer.D, ref.D)
    # k from the slider: 3 D steps, then one G step
    lab.controls["k"].value = 3
    lab.iterate(2)
    ref.config.k_steps = 3
    ref.train(2)
    assert lab.result["d_steps"] == 3 + 6 and _same_parameters(lab.trainer.G, ref.G)
    # the single-step buttons, in Algorithm 1's order, are one iteration with k = 1
    ref.config.k_steps = 1
    lab.buttons["d_step"].click()
    assert _same_parameters(lab.trainer.G, ref.G)  # a D step leaves G alone ...
    assert not _same_parameters(lab.trainer.D, ref.D)  # ... and moves D
    lab.buttons["g_step"].click()
    ref.train(1)
    assert _same_parameters(lab.trainer.G, ref.G) and _same_parameters(lab.trainer.D, ref.D)
    assert lab.result["step"] == ref.step == 6
    # the readout's losses are the trainer's last ones, as its history records them
    assert lab.result["g_loss"] == ref.history.g_loss[-1]
    assert lab.result["d_loss"] == ref.history.d_loss[-1]


def test_sliders_reach_the_optimisers():
    lab = LiveLab("ring", seed=5, device="cpu", n_show=100, grid_size=10)
    lab.controls["lr_g"].value = 10**-2.5
    lab.iterate(1)
    assert lab.trainer.opt_g.param_groups[0]["lr"] == pytest.approx(10**-2.5)
    assert lab.trainer.opt_d.param_groups[0]["lr"] == pytest.approx(1e-3)
    lab.controls["k"].value = 4
    assert lab.trainer.config.k_steps == 4 and lab.trainer.config.lr_g == pytest.approx(10**-2.5)


def test_switching_the_loss_keeps_the_networks(lab):
    lab.iterate(10)
    G = [p.clone() for p in lab.trainer.G.parameters()]
    lab.controls["loss"].value = "WGAN-GP"
    assert lab.trainer.loss.name == "wgan" and lab.trainer.config.gp_weight == 1.0
    assert all(torch.equal(a, b) for a, b in zip(G, lab.trainer.G.parameters()))
    assert lab.trainer.step == 10
    lab.controls["loss"].value = "hinge"
    assert lab.trainer.config.gp_weight == 0.0 and lab.trainer.loss.name == "hinge"


def test_a_tick_trains_a_frame_and_stops_at_its_deadline(lab):
    lab.frame_seconds = 60.0  # no early stop on a slow machine: the count is exact
    lab.controls["per_frame"].value = 4
    before = lab.image.value
    lab.tick()
    assert lab.trainer.step == 4 and lab.image.value != before
    lab.tick()
    assert lab.trainer.step == 8 and lab.frames_per_second > 0
    lab.frame_seconds = 0.0  # a frame past its deadline trains nothing more, and still draws
    n = lab.n_updates
    lab.tick()
    assert lab.trainer.step == 8 and lab.n_updates == n + 1


def test_play_runs_frames_in_the_event_loop_until_paused(lab):
    lab.controls["per_frame"].value = 1

    async def press_play_then_pause():
        lab.play.value = True
        assert lab.play.description == "pause"
        await asyncio.sleep(0.6)
        steps_playing = lab.trainer.step
        lab.play.value = False
        await asyncio.sleep(0.2)  # the loop sees the pause at its next check
        paused = lab.trainer.step
        await asyncio.sleep(0.3)
        return steps_playing, paused, lab.trainer.step

    playing, paused, later = asyncio.run(press_play_then_pause())
    assert playing >= 2 and paused == later and lab.play.description == "play"
    assert f"generator step</td><td><b>{later}<" in lab.readout_html.value  # caught up


def test_play_without_an_event_loop_says_what_to_do(lab):
    lab.play.value = True
    assert lab.play.value is False and "lab.tick()" in lab.message.value


def test_reset_and_new_seed(lab):
    first = lab.result["fake"].copy()
    lab.iterate(5)
    lab.buttons["reset"].click()
    assert lab.trainer.step == 0
    np.testing.assert_array_equal(lab.result["fake"], first)  # the same seed, the same start
    lab.buttons["new_seed"].click()
    assert lab.controls["seed"].value == 4 and lab.trainer.step == 0
    assert not np.array_equal(lab.result["fake"], first)


def test_a_diverged_run_stops_play_and_says_so(lab, monkeypatch):
    def boom():
        raise TrainingDiverged(7, "discriminator", float("nan"), {})

    monkeypatch.setattr(lab.trainer, "discriminator_step", boom)
    lab.play.value = True  # no event loop here: it springs back at once ...
    lab.tick()  # ... so play one frame by hand
    assert lab.play.value is False and "diverged at generator step 7" in lab.message.value


def test_readouts_match_independent_references(lab):
    lab.iterate(30)
    r = lab.result
    assert r["w1"] == pytest.approx(w1_point_clouds(r["fake"][:128], lab.real[:128]))
    ring = Ring()
    # modes captured, by hand: nearest mode within 3 std, and >= 1 such sample per mode
    d = np.linalg.norm(r["fake"][:, None] - ring.means[None], axis=2)
    close = d.min(axis=1) < 3 * ring.stds[0]
    assert r["high_quality"] == pytest.approx(close.mean())
    assert r["modes_captured"] == len(set(d.argmin(axis=1)[close]))
    assert f"{r['modes_captured']} / 8" in lab.readout_html.value


def test_one_dimensional_data_draw_d_curve_and_density():
    lab = LiveLab("two modes (1-D)", seed=0, device="cpu", n_show=300)
    lab.iterate(20)
    r = lab.result
    with torch.no_grad():
        d = torch.sigmoid(lab.trainer.D(torch.as_tensor(lab.points))).numpy()[:, 0]
    np.testing.assert_allclose(lab.d_line.get_ydata(), d, rtol=1e-5)
    x = lab.points[:, 0]
    assert np.trapezoid(r["density"], x) == pytest.approx(1.0, abs=0.02)
    assert r["w1"] == pytest.approx(wasserstein_distance(r["fake"][:, 0], lab.real[:, 0]))
    assert r["n_modes"] == 2


def test_any_two_dimensional_distribution_can_be_used():
    lab = LiveLab(SwissRoll(), device="cpu", n_show=100, grid_size=12)
    assert lab.controls["data"].value == "SwissRoll"
    assert "modes_captured" not in lab.iterate(2) and lab.result["w1"] > 0
    lab.controls["data"].value = "grid"  # and the course's own stay available
    assert lab.result["step"] == 0 and lab.result["n_modes"] == 25


@pytest.mark.parametrize("kwargs, match", [
    (dict(data="moons"), "data must be one of"),
    (dict(loss="wasserstein"), "loss must be one of"),
    (dict(remedy="dropout"), "remedy must be one of"),
    (dict(n_arrows=7), "n_arrows must be a multiple of 4"),
])
def test_bad_choices_are_named(kwargs, match):
    with pytest.raises(ValueError, match=match):
        LiveLab(**{"data": "ring", **kwargs})


def test_the_remedies_build_and_train():
    for remedy in ("minibatch-std", "PacGAN (pairs)", "unrolled (5 steps)"):
        trainer = make_lab_trainer("ring", remedy=remedy, seed=0, device="cpu")
        trainer.discriminator_step()
        trainer.generator_step()
        assert trainer.step == 1
    assert make_lab_trainer("ring", remedy="PacGAN (pairs)").config.batch_size == 256
    assert set(LAB_DATA) >= {"ring", "grid", "two modes (1-D)", "five modes (1-D)"}


def test_the_static_recording_is_an_animation_of_a_fresh_copy(lab):
    lab.iterate(3)
    gif = lab.record(frames=4, iterations=2)
    movie = Image.open(io.BytesIO(gif))
    assert movie.format == "GIF" and movie.n_frames == 4
    assert lab.trainer.step == 3  # the lab itself did not move


def test_the_ring_at_lr_g_3e_3_is_lecture_04s_collapse_set_up():
    """Before its late learning-rate decay, lecture 04's collapse run is the lab's run."""
    from gancourse.experiments import make_toy_trainer

    lab = make_lab_trainer("ring", lr_g=3e-3, seed=2, device="cpu")
    ref = make_toy_trainer("ring", "collapse", 2, steps=2000, progress=False, device="cpu")
    for _ in range(50):
        lab.discriminator_step()
        lab.generator_step()
    ref.train(50)
    assert _same_parameters(lab.G, ref.G) and _same_parameters(lab.D, ref.D)
