"""gancourse: the reusable code of the GAN course.

Where to start reading: one module per concept, on floors that build on each other. A module
imports only from its own floor or below (``tests/test_layering.py`` checks it), so each floor
can be read knowing only the ones under it.

Floor 0, foundations
    :mod:`gancourse.session` -- ``device = gc.setup(seed=0)``, every notebook's first call;
    :mod:`gancourse.device` (CUDA, then Apple MPS, then CPU), :mod:`gancourse.seeding`,
    :mod:`gancourse.results` (saved benchmark runs, package data), :mod:`gancourse.vocabulary`
    (the names and symbols used across the course), :mod:`gancourse.runtime` (which platform a
    notebook runs on -- Colab, Kaggle, Binder, a JupyterHub -- and how to get a GPU there).
Floor 1, data and maths
    :mod:`gancourse.distributions` (toy data), :mod:`gancourse.digits` (8x8 digits, the SVM
    judge), :mod:`gancourse.mnist` (MNIST-5k: 5000 real 28x28 digits, offline),
    :mod:`gancourse.divergences` (KL, JS), :mod:`gancourse.wasserstein` (earth mover's
    distance and its dual), :mod:`gancourse.theory` (D*, V(G, D), C(G)),
    :mod:`gancourse.least_squares`, :mod:`gancourse.fdivergences` (the f-GAN table),
    :mod:`gancourse.likelihood`, :mod:`gancourse.metrics` (modes captured, high quality),
    :mod:`gancourse.evaluation` (FID, KID, precision/recall, density/coverage, Inception Score),
    :mod:`gancourse.critics`, :mod:`gancourse.dynamics`, :mod:`gancourse.mode_seeking`,
    :mod:`gancourse.box_counting`, :mod:`gancourse.upsampling` (transposed convolution: sizes,
    adjoint, checkerboards), :mod:`gancourse.latent` (paths in
    latent space, averaged-z arithmetic).
Floor 2, models and losses
    :mod:`gancourse.models` (MLPs; conditional, spectral norm, minibatch-std, packing),
    :mod:`gancourse.dcgan`, :mod:`gancourse.judge` (the CNN that judges 28x28 digits),
    :mod:`gancourse.losses` (every loss as a pure function of D's outputs),
    :mod:`gancourse.discriminator_step` (the one discriminator step),
    :mod:`gancourse.improved` (Salimans et al.'s techniques: feature matching, minibatch
    discrimination, historical averaging, virtual batch norm),
    :mod:`gancourse.semi_supervised` (the (K+1)-class discriminator),
    :mod:`gancourse.energy` (the auto-encoder discriminator of EBGAN and BEGAN),
    :mod:`gancourse.fields` (D's field over the plane and the generator's pull on each fake).
Floor 3, the training loop
    :mod:`gancourse.training` -- ``GANTrainer`` and ``TrainConfig``: every GAN of the course;
    :mod:`gancourse.seedbatch` -- S seeds of one toy GAN trained as one stacked model.
Floor 4, lecture set-ups
    the named experiments the lectures run: :mod:`gancourse.experiments` (2-D toys),
    :mod:`gancourse.saturation` (02), :mod:`gancourse.parallel_lines` (03),
    :mod:`gancourse.conditional` and :mod:`gancourse.pix2pix` (06), :mod:`gancourse.mnist_gans`
    (07: GANs on real digits, judged), :mod:`gancourse.metric_toys` (08: a ring whose collapse
    and blur are knobs), :mod:`gancourse.loss_zoo` (09: f-GANs on two modes, and the bench of
    every loss on the line, the ring and the grid), :mod:`gancourse.live` (the live lab's
    data sets, losses, remedies and its trainer).
Floor 5, figures and widgets
    :mod:`gancourse.plots`, :mod:`gancourse.widgets` (the lectures' explorers, and the live
    lab that trains a GAN while you watch).
Floor 6, course tooling (knows notebooks and processes, not GANs)
    :mod:`gancourse.grading` (the self-check, ``gancourse check`` and ``gancourse grade``),
    :mod:`gancourse.publish` and :mod:`gancourse.floatpaths` (``course.py run|slides|site``),
    :mod:`gancourse.offline` (the pages' scripts from the npm registry, for viewing offline),
    :mod:`gancourse.hosting` (``notebooks/`` for Colab, Kaggle and Binder; nbgitpuller links),
    :mod:`gancourse.cli`.
"""

from .device import get_device, limit_cpu_threads
from .distributions import (Distribution, Gaussian1D, GaussianMixture, Grid, ParallelLine, Ring,
                            SwissRoll, Uniform1D)
from .divergences import (js, js_on_grid, kl, kl_gaussian, kl_mvn, kl_on_grid, reverse_kl,
                          reverse_kl_on_grid)
from .seeding import numpy_generator, seed_everything, torch_generator
from .session import setup
from .theory import (generator_criterion, optimal_discriminator, value_function,
                     value_function_from_logits, value_on_grid)
from .wasserstein import (c_transform, emd, emd_1d, emd_dual, kantorovich_dual, monotone_plan_1d,
                          w1_1d, w1_point_clouds)

__version__ = "0.1.0"

__all__ = [
    "setup", "get_device", "limit_cpu_threads", "seed_everything", "torch_generator",
    "numpy_generator",
    "Distribution", "GaussianMixture", "Gaussian1D", "Uniform1D", "Ring", "Grid", "ParallelLine",
    "SwissRoll",
    "kl", "reverse_kl", "js", "kl_on_grid", "reverse_kl_on_grid", "js_on_grid", "kl_gaussian",
    "kl_mvn",
    "emd", "emd_1d", "emd_dual", "c_transform", "w1_1d", "w1_point_clouds", "monotone_plan_1d",
    "kantorovich_dual",
    "optimal_discriminator", "value_function", "value_function_from_logits", "value_on_grid",
    "generator_criterion",
]
