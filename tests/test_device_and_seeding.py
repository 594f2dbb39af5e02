"""The one device function and the one seeding function."""

import random

import numpy as np
import pytest
import torch

import gancourse as gc


def test_default_device_follows_the_preference_order(monkeypatch):
    monkeypatch.delenv("GANCOURSE_DEVICE", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    assert gc.get_device() == torch.device("cpu")
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    assert gc.get_device() == torch.device("mps")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert gc.get_device() == torch.device("cuda")


def test_forcing_a_device(monkeypatch):
    assert gc.get_device("cpu") == torch.device("cpu")
    monkeypatch.setenv("GANCOURSE_DEVICE", "cpu")
    assert gc.get_device() == torch.device("cpu")
    monkeypatch.setenv("GANCOURSE_DEVICE", "tpu")
    with pytest.raises(ValueError, match="GANCOURSE_DEVICE must be one of cuda, mps, cpu"):
        gc.get_device()


def test_asking_for_a_missing_device_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(ValueError, match="no CUDA device"):
        gc.get_device("cuda")


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_samples_on_cuda_equal_cpu_samples():
    dev = gc.get_device("cuda")
    x = gc.Ring().sample(100, seed=5, device=dev)
    assert x.device.type == "cuda"
    assert torch.equal(x.cpu(), gc.Ring().sample(100, seed=5))


def test_seed_everything_repeats_all_generators():
    def draw():
        return random.random(), np.random.rand(), torch.rand(1).item(), gc.Ring().sample(3)

    gc.seed_everything(7)
    first = draw()
    gc.seed_everything(7)
    second = draw()
    assert first[:3] == second[:3]
    assert torch.equal(first[3], second[3])
    with pytest.raises(ValueError, match="seed must be an integer"):
        gc.seed_everything("7")


def test_per_call_generators():
    assert gc.torch_generator(None) is None
    g = torch.Generator()
    assert gc.torch_generator(g) is g
    assert gc.numpy_generator(3).random() == np.random.default_rng(3).random()


def test_limit_cpu_threads(monkeypatch):
    import torch

    import gancourse as gc

    before = torch.get_num_threads()
    try:
        monkeypatch.delenv("GANCOURSE_THREADS", raising=False)
        assert gc.limit_cpu_threads() == 1 == torch.get_num_threads()
        monkeypatch.setenv("GANCOURSE_THREADS", "2")
        assert gc.limit_cpu_threads() == 2 == torch.get_num_threads()
        monkeypatch.setenv("GANCOURSE_THREADS", "many")
        with pytest.raises(ValueError, match="GANCOURSE_THREADS must be a whole number"):
            gc.limit_cpu_threads()
        with pytest.raises(ValueError, match="n must be a whole number"):
            gc.limit_cpu_threads(0)
    finally:
        torch.set_num_threads(before)


def test_setup_is_the_four_lines_of_a_notebook(monkeypatch, capsys):
    """gc.setup(seed) = seed_everything + limit_cpu_threads + get_device, and says the device."""
    before = torch.get_num_threads()
    monkeypatch.delenv("GANCOURSE_THREADS", raising=False)
    monkeypatch.delenv("GANCOURSE_DEVICE", raising=False)
    try:
        device = gc.setup(seed=3)
        first = (torch.rand(3), np.random.rand(3))
        assert device == gc.get_device() and torch.get_num_threads() == 1
        assert capsys.readouterr().out == f"computing on {device}\n"
        gc.setup(seed=3, threads=2, device="cpu", verbose=False)
        assert torch.equal(torch.rand(3), first[0]) and np.array_equal(np.random.rand(3),
                                                                         first[1])
        assert torch.get_num_threads() == 2 and capsys.readouterr().out == ""
        with pytest.raises(ValueError, match="seed"):
            gc.setup(seed=-1)
    finally:
        torch.set_num_threads(before)


def test_seeded_blocks_in_two_threads_draw_as_if_alone():
    """The grader's --jobs computes reference values in threads, and the course's factories
    build their networks inside seeded(): two such blocks must not interleave their draws from
    the global generators (the 300-submission grading benchmark caught a reference that did)."""
    import threading
    import time

    from gancourse.seeding import seeded

    def draw(seed):
        with seeded(seed):
            first = torch.rand(3)
            time.sleep(0.002)  # the other thread runs here, unless the block keeps it out
            return torch.cat([first, torch.rand(3)])

    alone = {s: draw(s) for s in (1, 2)}
    got, errors = {1: [], 2: []}, []

    def worker(seed):
        try:
            got[seed] += [draw(seed) for _ in range(20)]
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(s,)) for s in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert all(torch.equal(x, alone[s]) for s in (1, 2) for x in got[s])
