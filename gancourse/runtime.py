"""Where is this notebook running, is there a GPU, and how does one get one there?

The first cell of every hosted notebook (``notebooks/``, :mod:`gancourse.hosting`) installs the
course when the kernel lacks it and then calls :func:`report`, which names the platform --
Google Colab, Kaggle, Binder, a JupyterHub, or a machine of your own -- and the device the
course will compute on (:func:`gancourse.device.get_device`), and, when there is no GPU, says
how to switch that platform to one (or why it is fine without).

The platform is read from what each service puts in the kernel's environment: the
``google.colab`` module, Kaggle's ``KAGGLE_KERNEL_RUN_TYPE``, BinderHub's ``BINDER_REPO_URL``
or ``BINDER_LAUNCH_HOST`` (a Binder is a JupyterHub too, so it is checked first), and
JupyterHub's ``JUPYTERHUB_USER``.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Mapping

import torch

from .device import get_device

__all__ = ["PLATFORMS", "detect_platform", "gpu_hint", "report"]

# name shown, and what to do for a GPU (None: the platform offers none)
PLATFORMS = {
    "colab": ("Google Colab",
              "Runtime > Change runtime type > Hardware accelerator: a GPU (T4 is free), Save, "
              "then Runtime > Run all: the new runtime installs the course again"),
    "kaggle": ("Kaggle",
               "Settings > Accelerator > GPU (Kaggle asks for a verified phone number for GPUs "
               "and for Internet, which installing the course needs)"),
    "binder": ("Binder", None),
    "jupyterhub": ("a JupyterHub", None),
    "local": ("this computer", None),
}
_NO_GPU = {
    "binder": "Binder offers no GPU (and about 2 GB of memory): every lecture runs on its CPU "
              "in one to two minutes and within that memory.",
    "jupyterhub": "This hub server has no GPU: every lecture runs on the CPU in one to two "
                  "minutes. Your teacher can offer a GPU server profile if the hub has GPUs.",
    "local": "No GPU was found: every lecture runs on the CPU in one to two minutes. With an "
             "NVIDIA GPU, install a CUDA build of torch (README, 'GPU').",
}


def detect_platform(environ: Mapping[str, str] | None = None,
                    modules: Mapping[str, object] | None = None) -> str:
    """One of :data:`PLATFORMS`' keys, from the environment (``os.environ``) and the loaded or
    importable modules (``sys.modules``; Colab's ``google.colab`` is importable there)."""
    env = os.environ if environ is None else environ
    if modules is None:
        colab = "google.colab" in sys.modules or _importable("google.colab")
    else:
        colab = "google.colab" in modules
    if colab or "COLAB_RELEASE_TAG" in env:
        return "colab"
    if "KAGGLE_KERNEL_RUN_TYPE" in env or "KAGGLE_URL_BASE" in env:
        return "kaggle"
    if "BINDER_REPO_URL" in env or "BINDER_LAUNCH_HOST" in env:
        return "binder"
    if "JUPYTERHUB_USER" in env or "JUPYTERHUB_API_URL" in env:
        return "jupyterhub"
    return "local"


def _importable(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):  # a parent package that is missing or odd
        return False


def gpu_hint(platform: str) -> str:
    """What to do on ``platform`` when it has given the notebook no GPU."""
    if platform not in PLATFORMS:
        raise ValueError(f"platform must be one of {', '.join(PLATFORMS)}, got {platform!r}")
    how = PLATFORMS[platform][1]
    if how is None:
        return _NO_GPU[platform]
    return (f"No GPU in this runtime: every lecture still runs on the CPU in one to two "
            f"minutes. For a GPU: {how}.")


def report(*, verbose: bool = True) -> dict:
    """Name the platform and the device, give the GPU hint when there is no GPU, and on Colab
    turn on its support for ipywidgets 8 (the course's widgets). Returns what it printed, as
    plain data: ``platform``, ``device``, ``gpu`` (the GPU's name or None), ``torch``,
    ``hint`` (or None)."""
    platform = detect_platform()
    device = get_device()
    gpu = torch.cuda.get_device_name(device) if device.type == "cuda" else None
    hint = None if device.type != "cpu" else gpu_hint(platform)
    if platform == "colab":
        from google.colab import output  # noqa: PLC0415 -- exists only on Colab
        output.enable_custom_widget_manager()
    info = {"platform": platform, "device": str(device), "gpu": gpu,
            "torch": torch.__version__, "hint": hint}
    if verbose:
        where = PLATFORMS[platform][0]
        on = f"{device} ({gpu})" if gpu else str(device)
        print(f"Running on {where}, with torch {torch.__version__}; the course computes on {on}.")
        if hint:
            print(hint)
    return info
