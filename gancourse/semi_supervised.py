"""Semi-supervised learning with a GAN: the (K+1)-class discriminator of Salimans et al. (2016).

A classifier with K logits l_1..l_K becomes a discriminator by adding a class K+1, "generated",
whose logit is fixed at 0. Then the probability that x is real is

    D(x) = 1 - p(K+1 | x) = Z(x) / (Z(x) + 1),   Z(x) = sum_k exp(l_k(x)),

so D's logit is log Z(x) = logsumexp(l(x)): the usual GAN losses apply to it unchanged. The
discriminator's objective is the supervised cross-entropy on the few labelled examples plus
the GAN's unsupervised loss on unlabelled real and on generated samples:

    L = E_labelled[-log p(y | x, y <= K)] + E_real[softplus(-log Z)] + E_fake[softplus(log Z)].

The unlabelled real data shape the classifier's features; the generator supplies the "not a
digit" examples. (Salimans et al. train it by feature matching; lecture 07 measures both that
and the plain non-saturating loss.)
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["KPlusOneDiscriminator", "real_logit", "semi_supervised_loss"]


def real_logit(class_logits: torch.Tensor) -> torch.Tensor:
    """(B, K) class logits -> (B, 1) logit of "real": logsumexp over the K classes."""
    if class_logits.dim() != 2 or class_logits.shape[1] < 2:
        raise ValueError("class_logits must have shape (B, K) with K >= 2, got "
                         f"{tuple(class_logits.shape)}")
    return torch.logsumexp(class_logits, dim=1, keepdim=True)


def semi_supervised_loss(logits_labelled: torch.Tensor, labels: torch.Tensor,
                         logits_real: torch.Tensor, logits_fake: torch.Tensor) -> torch.Tensor:
    """The (K+1)-class discriminator's loss: supervised cross-entropy + the GAN's loss.

    Args:
        logits_labelled: (B_l, K) class logits of labelled real examples.
        labels: (B_l,) their classes in 0..K-1.
        logits_real: (B, K) class logits of unlabelled real examples.
        logits_fake: (B', K) class logits of generated examples.
    """
    k = logits_labelled.shape[-1]
    for name, t in (("logits_labelled", logits_labelled), ("logits_real", logits_real),
                    ("logits_fake", logits_fake)):
        if t.dim() != 2 or t.shape[1] != k:
            raise ValueError(f"{name} must have shape (B, {k}), got {tuple(t.shape)}")
    if labels.shape != logits_labelled.shape[:1]:
        raise ValueError(f"labels must have shape ({logits_labelled.shape[0]},), "
                         f"got {tuple(labels.shape)}")
    supervised = F.cross_entropy(logits_labelled, labels.long())
    unsupervised = (F.softplus(-real_logit(logits_real)).mean()
                    + F.softplus(real_logit(logits_fake)).mean())
    return supervised + unsupervised


class KPlusOneDiscriminator(nn.Module):
    """Wraps a K-logit classifier (with a ``features`` method) as a GAN discriminator.

    ``forward`` gives the (B, 1) logit of "real" (:func:`real_logit`); ``classify`` the
    (B, K) class logits; ``features`` the classifier's features (for feature matching).
    """

    def __init__(self, classifier: nn.Module):
        super().__init__()
        self.classifier = classifier

    def classify(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(x)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier.features(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return real_logit(self.classifier(x))
