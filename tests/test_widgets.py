"""Widgets are driven like a user would: set control values, then check numbers and figure data."""

import numpy as np
import pytest
from scipy import integrate, stats

import gancourse as gc
from gancourse.likelihood import entropy_on_grid
from gancourse.widgets import GaussianFitExplorer


@pytest.fixture(scope="module")
def explorer():
    return GaussianFitExplorer(n_samples=3000, seed=2)


def test_sliders_drive_the_readouts(explorer):
    explorer.controls["mu"].value = 1.5
    explorer.controls["sigma"].value = 0.8
    res = explorer.result
    # log-likelihood: against scipy's log-density of the explorer's fixed sample
    assert res["log_likelihood"] == pytest.approx(
        stats.norm.logpdf(explorer.samples, 1.5, 0.8).mean(), rel=1e-12)
    # KL both ways: against adaptive quadrature of the integrands
    pd, q = explorer.data, stats.norm(1.5, 0.8)
    fwd, _ = integrate.quad(lambda t: pd.pdf([t])[0] * (pd.log_pdf([t])[0] - q.logpdf(t)),
                            -8, 8, points=[-2, 1.5, 2], limit=200)
    rev, _ = integrate.quad(lambda t: q.pdf(t) * (q.logpdf(t) - pd.log_pdf([t])[0]),
                            -8, 8, points=[-2, 1.5, 2], limit=200)
    assert res["kl"] == pytest.approx(fwd, rel=1e-4)
    assert res["reverse_kl"] == pytest.approx(rev, rel=1e-4)
    assert f"{res['kl']:.3f}" in explorer.readout_html.value


def test_figure_shows_the_model_density(explorer):
    before = explorer.image.value
    explorer.controls["mu"].value = -1.0
    line_y = explorer.model_line.get_ydata()
    np.testing.assert_allclose(line_y, stats.norm.pdf(explorer.x, -1.0, 0.8), rtol=1e-12)
    np.testing.assert_allclose(explorer.data_line.get_ydata(), explorer.data.pdf(explorer.x))
    assert explorer.image.value != before and explorer.image.value[:4] == b"\x89PNG"


def test_likelihood_rises_exactly_when_forward_kl_falls(explorer):
    # At every (mu, sigma): log-likelihood + KL = -H(P_data), up to the Monte-Carlo error of the
    # log-likelihood (4 standard errors, computed independently with scipy).
    neg_entropy = -entropy_on_grid(explorer.p_data, explorer.x)
    for mu, sigma in [(0.0, 2.0), (0.5, 1.5), (2.0, 0.6), (-1.0, 3.0)]:
        explorer.controls["mu"].value, explorer.controls["sigma"].value = mu, sigma
        log_p = stats.norm.logpdf(explorer.samples, mu, sigma)
        std_err = log_p.std() / np.sqrt(log_p.size)
        total = explorer.result["log_likelihood"] + explorer.result["kl"]
        assert abs(total - neg_entropy) < 4 * std_err


def test_one_update_per_change_and_widget_assembles(explorer):
    n = explorer.n_updates
    explorer.controls["sigma"].value = 1.1
    assert explorer.n_updates == n + 1
    box = explorer.widget()
    assert explorer.image in box.children[1].children


def test_rejects_2d_data():
    with pytest.raises(ValueError, match="data must be a 1-D distribution"):
        GaussianFitExplorer(gc.Ring())


def test_game_explorer_follows_the_closed_forms():
    from gancourse.widgets import GameExplorer

    game = GameExplorer()
    game.controls["mu_g"].value, game.controls["sigma_g"].value = 0.5, 1.2
    res = game.result
    pd, pg = stats.norm(2.0, 0.5), stats.norm(0.5, 1.2)
    # D* on the figure: p_data / (p_data + p_g), from scipy's densities
    np.testing.assert_allclose(game.d_line.get_ydata(),
                               pd.pdf(game.x) / (pd.pdf(game.x) + pg.pdf(game.x)), rtol=1e-9)
    # C(G) by adaptive quadrature of the integrand written out by hand
    ref, _ = integrate.quad(lambda t: pd.pdf(t) * np.log(pd.pdf(t) / (pd.pdf(t) + pg.pdf(t)))
                            + pg.pdf(t) * np.log(pg.pdf(t) / (pd.pdf(t) + pg.pdf(t))),
                            -6, 6, points=[0.5, 2.0], limit=200)
    assert res["value"] == pytest.approx(ref, abs=1e-5)
    assert res["value"] == pytest.approx(-np.log(4) + 2 * res["js"], abs=1e-5)
    # at P_G = P_data the game's value is -log 4 and JS = 0
    game.controls["mu_g"].value, game.controls["sigma_g"].value = 2.0, 0.5
    assert game.result["value"] == pytest.approx(-np.log(4), abs=1e-9)
    assert game.result["js"] == pytest.approx(0.0, abs=1e-12)
    assert "-1.3863" in game.readout_html.value


def test_disjoint_explorer_js_jumps_without_noise_and_is_smooth_with_it():
    from gancourse.widgets import DisjointExplorer

    e = DisjointExplorer()
    e.controls["noise"].value, e.controls["theta"].value = 0.0, 0.05
    assert e.result["js"] == pytest.approx(np.log(2)) and np.isinf(e.result["kl"])
    assert e.result["w1"] == pytest.approx(0.05)
    assert "∞" in e.readout_html.value
    e.controls["noise"].value = 0.5
    # JS between N(0, 0.25) and N(0.05, 0.25), written out with scipy
    t = np.linspace(-6, 6, 24001)
    p, q = stats.norm.pdf(t, 0, 0.5), stats.norm.pdf(t, 0.05, 0.5)
    m = (p + q) / 2
    ref = 0.5 * np.trapezoid(p * np.log(p / m) + q * np.log(q / m), t)
    assert e.result["js"] == pytest.approx(ref, rel=1e-5)
    assert e.result["kl"] == pytest.approx(0.05**2 / (2 * 0.25))
    assert e.result["w1"] == pytest.approx(0.05)  # noise does not change W1
    # the figure: the shifted sample sits at theta, the curve is the JS at the slider's noise
    np.testing.assert_allclose(e.pts1.get_offsets()[:, 0],
                               0.05 + 0.5 * e.noise[1][:, 0], rtol=1e-12)
    assert np.all(np.diff(e.js_line.get_ydata()[40:]) > 0)


def test_snapshot_explorer_replays_the_chosen_method_and_step():
    from gancourse.metrics import mode_stats
    from gancourse.widgets import SnapshotExplorer

    ring = gc.Ring()
    on_modes = ring.sample(400, seed=0).numpy()
    collapsed = np.repeat(ring.means[:1], 400, axis=0)
    snaps = {"good": {0: collapsed, 100: on_modes}, "collapsed": {0: on_modes, 100: collapsed}}
    e = SnapshotExplorer(snaps, ring)
    assert e.result["step"] == 100 and e.result["modes_captured"] == 8  # last step, first method
    e.controls["method"].value = "collapsed"
    assert e.result["modes_captured"] == 1 and e.result["high_quality"] == 1.0
    np.testing.assert_array_equal(e.points.get_offsets(), collapsed)
    e.controls["index"].value = 0
    expected = mode_stats(on_modes, ring.means, 0.01)
    assert e.result["step"] == 0 and e.result["high_quality"] == expected.high_quality
    assert "8 / 8" in e.readout_html.value
    with pytest.raises(ValueError, match="same, non-empty set of steps"):
        SnapshotExplorer({"a": {0: on_modes}, "b": {1: on_modes}}, ring)


def test_transport_explorer_plan_and_distances():
    from scipy.stats import wasserstein_distance

    from gancourse.widgets import TransportExplorer

    e = TransportExplorer()
    e.controls["shift"].value, e.controls["width"].value = 14.0, 0.5
    res = e.result
    plan = res["plan"]
    np.testing.assert_allclose(plan.sum(axis=1), e.p, atol=1e-9)  # rows: P
    np.testing.assert_allclose(plan.sum(axis=0), res["q"], atol=1e-9)  # columns: Q
    assert res["w1"] == pytest.approx(wasserstein_distance(e.x, e.x, e.p, res["q"]), abs=1e-8)
    assert res["w1_cdf"] == pytest.approx(res["w1"], abs=1e-8)
    assert res["plan_cost"] == pytest.approx(res["w1"], abs=1e-8)  # the drawn plan is optimal
    assert f"{res['plan_cost']:.4f}" in e.readout_html.value
    assert res["js"] == pytest.approx(np.log(2), abs=1e-9)  # far apart: no overlap
    np.testing.assert_allclose(e.plan_image.get_array(), plan)
    near = res["w1"]
    e.controls["shift"].value = 9.0
    assert e.result["w1"] < near and e.result["js"] < np.log(2)  # closer: both see it


def test_digit_explorer_updates_grid_strip_and_readout():
    import torch

    from gancourse.digits import DigitClassifier, load_digits_split
    from gancourse.models import MLPGenerator
    from gancourse.widgets import DigitExplorer

    torch.manual_seed(0)
    G = MLPGenerator(16, 64, (32,), n_classes=10, out_activation=torch.nn.Tanh)
    split = load_digits_split()
    e = DigitExplorer(G, DigitClassifier().fit(*split.train), seed=0)
    first = e.result["images"].copy()
    assert first.shape == (32, 64) and e.result["strip"].shape == (8, 64)
    np.testing.assert_allclose(e.grid_image.get_array()[8:16, 16:24],
                               first[10].reshape(8, 8))  # row 1, column 2
    e.controls["s1"].value = 2.0  # moving a latent slider changes every image
    assert not np.allclose(e.result["images"], first)
    e.controls["digit"].value = 3  # so does the label
    with torch.no_grad():
        expected = G(e.z + 2.0 * e.directions[0], torch.full((32,), 3)).numpy()
    np.testing.assert_allclose(e.result["images"], expected, rtol=1e-6)
    e.controls["t"].value = 1.0  # the frame moves to the last image of the strip
    assert e.result["index"] == 7 and e.frame.get_x() == 8 * 7 - 0.5
    with torch.no_grad():
        end = G(e.z_b[None], torch.tensor([3])).numpy()
    np.testing.assert_allclose(e.result["strip"][-1], end[0], rtol=1e-5)
    assert "classifier agrees" in e.readout_html.value
    assert 0 <= e.result["labelled_as_digit"] <= 1


def test_static_mode_displays_the_figure_and_readout(monkeypatch):
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    from gancourse.widgets import TransportExplorer

    InteractiveShell.instance()
    e = TransportExplorer()
    monkeypatch.setenv("GANCOURSE_STATIC", "1")
    with capture_output() as captured:
        e._ipython_display_()
    kinds = [set(out.data) for out in captured.outputs]
    assert any("image/png" in k for k in kinds) and any("text/html" in k for k in kinds)
    assert not any("application/vnd.jupyter.widget-view+json" in k for k in kinds)
    monkeypatch.setenv("GANCOURSE_STATIC", "0")
    with capture_output() as captured:
        e._ipython_display_()
    assert any("application/vnd.jupyter.widget-view+json" in set(o.data)
               for o in captured.outputs)


def test_result_at_computes_elsewhere_without_moving_the_sliders():
    explorer = GaussianFitExplorer(n_samples=500, seed=3)
    shown, updates = explorer.values, explorer.n_updates
    elsewhere = explorer.result_at(mu=2.0, sigma=0.6)
    assert explorer.values == shown and explorer.n_updates == updates  # the screen is untouched
    assert elsewhere["log_likelihood"] == pytest.approx(
        stats.norm.logpdf(explorer.samples, 2.0, 0.6).mean(), rel=1e-12)
    explorer.controls["mu"].value, explorer.controls["sigma"].value = 2.0, 0.6
    assert explorer.result["kl"] == elsewhere["kl"]  # the same numbers the sliders give
    assert explorer.result_at(sigma=1.0)["log_likelihood"] == pytest.approx(
        stats.norm.logpdf(explorer.samples, 2.0, 1.0).mean(), rel=1e-12)  # others as shown
    with pytest.raises(ValueError, match="values must name controls of this widget"):
        explorer.result_at(variance=2.0)


def test_latent_explorer_walks_between_two_codes():
    import torch

    from gancourse.dcgan import DCGANGenerator
    from gancourse.judge import load_judge
    from gancourse.latent import interpolate
    from gancourse.widgets import LatentExplorer

    torch.manual_seed(0)
    G = DCGANGenerator(8, 28, base=4).eval()
    direction = torch.ones(8)
    e = LatentExplorer(G, load_judge("cpu"), direction=direction, n_points=5)
    assert e.result["strip"].shape == (8, 1, 28, 28) and e.result["index"] == 0
    with torch.no_grad():
        start = G(e.codes[0][None]).numpy()
    np.testing.assert_allclose(e.result["image"], start, atol=1e-6)  # t = 0: the start code
    e.controls["path"].value = "spherical"
    e.controls["t"].value = 1.0  # the frame moves to the last image, row 1, column 3
    assert e.result["index"] == 7 and e.frame.get_xy() == (28 * 3 - 0.5, 28 - 0.5)
    with torch.no_grad():
        end = G(interpolate(e.codes[0], e.codes[1], 8, "spherical")[-1:]).numpy()
    np.testing.assert_allclose(e.result["image"], end, atol=1e-5)
    e.controls["add"].value = 2.0  # the direction is added to the code shown large
    with torch.no_grad():
        shifted = G((e.codes[1] + 2.0 * direction)[None]).numpy()
    np.testing.assert_allclose(e.result["image"], shifted, atol=1e-5)
    assert 0 < e.result["confidence"] <= 1 and "judge's label" in e.readout_html.value
    assert len(e.result["strip_labels"]) == 8


def test_rule_switch_shows_the_saved_run_asked_for():
    from gancourse.results import pack_bytes
    from gancourse.widgets import RuleSwitch

    grid = np.zeros((36, 28, 28), dtype=np.uint8)
    runs = [{"variant": v, "seed": s, "samples": pack_bytes(grid + 255 * s), "fid": 10.0 * s,
             "confidence": 0.9, "classes": 10, "smallest": 0.05}
            for v in ("DCGAN", "no tanh") for s in (0, 1)]
    e = RuleSwitch({"runs": runs, "real": {"fid": 4.0}})
    assert np.allclose(e.result["images"], -1)  # seed 0: all 0 -> -1
    e.controls["seed"].value = 1
    assert np.allclose(e.result["images"], 1) and e.result["fid"] == 10.0
    e.controls["variant"].value = "no tanh"
    assert "no tanh, seed 1" in e.ax.get_title() and "judge FID" in e.readout_html.value
    with pytest.raises(ValueError, match="no saved run"):
        e.result_at(variant="MLP")


def test_metrics_toy_explorer_scores_what_its_sliders_make():
    from gancourse.metric_toys import toy_report, toy_samples
    from gancourse.widgets import MetricsToyExplorer

    w = MetricsToyExplorer(n=400, seed=3)
    w.controls["modes_kept"].value = 3
    w.controls["noise"].value = 2.0
    want = toy_report(toy_samples(400, seed=3), toy_samples(400, 3, 2.0, seed=4))
    assert {k: w.result[k] for k in want} == want
    np.testing.assert_array_equal(w.fake_dots.get_offsets(), w.result["fake"])
    assert w.result["modes"] == 3 and "modes (of 8)" in w.readout_html.value
    assert w.n_updates == 3  # one at start, one per slider move


def test_fdivergence_explorer_bound_meets_the_divergence_at_t_star():
    from gancourse.fdivergences import F_DIVERGENCES
    from gancourse.widgets import FDivergenceExplorer

    w = FDivergenceExplorer()
    for name in F_DIVERGENCES:
        w.controls["divergence"].value = name
        for theta in (0.5, 1.0, 2.5):
            w.controls["theta"].value = theta
            r = w.result
            assert r["bound_at_t_star"] == pytest.approx(r["divergence"], rel=1e-6, abs=1e-9)
            assert r["bound_rough"] <= r["divergence"] + 1e-9
            if theta == 1.0:  # the rough critic is T* of theta = 1
                assert r["bound_rough"] == pytest.approx(r["divergence"], rel=1e-6, abs=1e-9)
    # KL between unit Gaussians a distance theta apart: theta^2 / 2
    w.controls["divergence"].value = "kl"
    w.controls["theta"].value = 2.0
    assert w.result["divergence"] == pytest.approx(2.0, rel=1e-6)
    np.testing.assert_allclose(w.line_q.get_ydata(), w.result["q"])
    assert "bound at T*" in w.readout_html.value
