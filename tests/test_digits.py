"""The digits loader, the independent classifier and the diversity measure."""

import numpy as np
import pytest
import torch
from scipy.spatial.distance import pdist
from sklearn.datasets import load_digits

from gancourse.digits import (DigitClassifier, load_digits_split, to_images,
                              within_class_diversity)


@pytest.fixture(scope="module")
def split():
    return load_digits_split()


def test_split_is_fixed_stratified_and_scaled(split):
    raw = load_digits()
    assert split.x_train.shape == (1347, 64) and split.x_test.shape == (450, 64)
    assert split.x_train.dtype == torch.float32 and split.y_train.dtype == torch.int64
    assert split.x_train.min() == -1 and split.x_train.max() == 1
    # every image is one of the package's images, rescaled from 0..16 to -1..1
    originals = {tuple(row) for row in raw.data}
    back = (split.x_test.numpy() + 1) * 8
    assert all(tuple(np.round(row, 4)) in originals for row in back[:50])
    # stratified: each class keeps its share within one image
    for k in range(10):
        share = (raw.target == k).mean()
        assert abs(int((split.y_test == k).sum()) - share * 450) <= 1
    again = load_digits_split()
    assert torch.equal(again.x_train, split.x_train) and torch.equal(again.y_test, split.y_test)
    with pytest.raises(ValueError, match="test_fraction"):
        load_digits_split(1.5)


def test_classifier_is_accurate_on_real_test_digits(split):
    clf = DigitClassifier().fit(*split.train)
    assert clf.accuracy(split.x_test, split.y_test) >= 0.98
    per_class = clf.per_class_accuracy(split.x_test, split.y_test)
    assert per_class.shape == (10,) and per_class.min() >= 0.9
    # images (n, 1, 8, 8) are accepted as well
    assert clf.accuracy(to_images(split.x_test), split.y_test) == \
        clf.accuracy(split.x_test, split.y_test)
    with pytest.raises(ValueError, match=r"x must have shape \(n, 64\)"):
        clf.predict(np.zeros((3, 10)))
    with pytest.raises(ValueError, match="one label per image"):
        clf.accuracy(split.x_test, split.y_test[:5])


def test_diversity_matches_scipy_and_sees_collapse(split):
    x, y = split.x_train.numpy(), split.y_train.numpy()
    div = within_class_diversity(x, y)
    assert div[3] == pytest.approx(pdist(x[y == 3]).mean())
    collapsed = np.repeat(x[:1], 20, axis=0)  # one image, twenty times
    assert within_class_diversity(collapsed, np.zeros(20, dtype=int))[0] == 0
    assert np.isnan(within_class_diversity(collapsed, np.zeros(20, dtype=int))[1])
    with pytest.raises(ValueError, match="contains NaN"):
        within_class_diversity(np.full((2, 64), np.nan), [0, 0])


def test_pixel_tensors_are_checked_by_shape_and_type():
    from gancourse.pix2pix import mask_lower

    x = torch.zeros(3, 64)
    assert to_images(x).shape == (3, 1, 8, 8)
    for bad in (torch.zeros(3, 10), np.zeros((3, 64))):
        with pytest.raises(ValueError, match=r"x must be a tensor of shape \(n, 64\)"):
            to_images(bad)
        with pytest.raises(ValueError, match=r"x must be a tensor of shape \(n, 64\)"):
            mask_lower(bad)
