"""gancourse: the reusable code of the GAN course.

One module per concept; notebooks, exercises and tests import from here.

* :mod:`gancourse.device` -- :func:`get_device` (CUDA, then Apple MPS, then CPU),
  :func:`limit_cpu_threads`
* :mod:`gancourse.seeding` -- :func:`seed_everything` and per-call generators
* :mod:`gancourse.distributions` -- toy data: Gaussians, mixtures, ring, grid, parallel lines
* :mod:`gancourse.divergences` -- KL, reverse KL, Jensen-Shannon; Gaussian closed forms
* :mod:`gancourse.wasserstein` -- earth mover's distance: LP with plan, 1-D CDF form, point clouds
* :mod:`gancourse.theory` -- the optimal discriminator D*, V(G, D) and C(G);
  :mod:`gancourse.least_squares` -- LSGAN's D* and C(G), and its Pearson chi^2 link
* :mod:`gancourse.parallel_lines` -- Arjovsky et al.'s parallel lines: JSD, KL, W1, a shift to learn
* :mod:`gancourse.likelihood` -- Gaussian maximum likelihood; forward/reverse KL fits;
  :mod:`gancourse.box_counting` -- does a sample fill an area or lie on a curve?
* :mod:`gancourse.models` -- MLP generators and discriminators (conditional, spectral norm,
  minibatch-std, PacGAN packing); :mod:`gancourse.dcgan` -- convolutional ones for small images
* :mod:`gancourse.losses` -- GAN losses on logits and critic scores, gradient penalty, clipping
* :mod:`gancourse.training` -- :class:`GANTrainer`, the one training loop, and checkpoints
* :mod:`gancourse.saturation` -- lecture 02's poor start: the minimax loss saturates
* :mod:`gancourse.dynamics` -- gradient play on the bilinear game x·y;
  :mod:`gancourse.mode_seeking` -- what the non-saturating generator minimises, on a line
* :mod:`gancourse.critics` -- a Wasserstein critic's W1 estimate, slopes and spectral norms;
  on the line, the gradient penalty's own optimum
* :mod:`gancourse.metrics` -- modes captured, high-quality samples, reverse KL
* :mod:`gancourse.experiments` -- the named 2-D toy set-ups of the lectures and benchmarks
* :mod:`gancourse.digits` -- scikit-learn's 8x8 digits: fixed split, SVM judge, diversity
* :mod:`gancourse.conditional` -- conditional GANs on the ring and the digits;
  :mod:`gancourse.pix2pix` -- image-to-image translation on masked digits
* :mod:`gancourse.plots` -- shared figures; :mod:`gancourse.publish` -- run and export notebooks
* :mod:`gancourse.results` -- the saved benchmark results the lectures quote
* :mod:`gancourse.widgets` -- the lectures' interactive explorers
* :mod:`gancourse.grading` -- self-checks, ``gancourse check`` and ``gancourse grade``

Names and symbols used across the course are listed in :mod:`gancourse.vocabulary`.
"""

from .device import get_device, limit_cpu_threads
from .distributions import (Distribution, Gaussian1D, GaussianMixture, Grid, ParallelLine, Ring,
                            SwissRoll, Uniform1D)
from .divergences import (js, js_on_grid, kl, kl_gaussian, kl_mvn, kl_on_grid, reverse_kl,
                          reverse_kl_on_grid)
from .seeding import numpy_generator, seed_everything, torch_generator
from .theory import (generator_criterion, optimal_discriminator, value_function,
                     value_function_from_logits, value_on_grid)
from .wasserstein import (c_transform, emd, emd_1d, emd_dual, kantorovich_dual, monotone_plan_1d,
                          w1_1d, w1_point_clouds)

__version__ = "0.1.0"

__all__ = [
    "get_device", "limit_cpu_threads", "seed_everything", "torch_generator", "numpy_generator",
    "Distribution", "GaussianMixture", "Gaussian1D", "Uniform1D", "Ring", "Grid", "ParallelLine",
    "SwissRoll",
    "kl", "reverse_kl", "js", "kl_on_grid", "reverse_kl_on_grid", "js_on_grid", "kl_gaussian",
    "kl_mvn",
    "emd", "emd_1d", "emd_dual", "c_transform", "w1_1d", "w1_point_clouds", "monotone_plan_1d",
    "kantorovich_dual",
    "optimal_discriminator", "value_function", "value_function_from_logits", "value_on_grid",
    "generator_criterion",
]
