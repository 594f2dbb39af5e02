"""A graded function that calls the course's own solution is found, however it is written."""

from __future__ import annotations

import numpy as np
import pytest

import gancourse
import gancourse as gc
from gancourse import optimal_discriminator as od
from gancourse.grading import check, load_registry
from gancourse.grading.reach import ALLOWED, course_names


def plain(p_data, p_g):  # NumPy only
    p, q = np.asarray(p_data, float), np.asarray(p_g, float)
    return np.divide(p, p + q, out=np.full_like(p, 0.5), where=(p + q) > 0)


def by_package(p_data, p_g):
    return gancourse.theory.optimal_discriminator(p_data, p_g)


def by_alias(p_data, p_g):
    return gc.optimal_discriminator(p_data, p_g)


def by_import_as(p_data, p_g):
    return od(p_data, p_g)


def by_local_import(p_data, p_g):
    from gancourse.theory import optimal_discriminator
    return optimal_discriminator(p_data, p_g)


def _helper(p, q):
    return gc.theory.optimal_discriminator(p, q)


def by_helper(p_data, p_g):
    return _helper(p_data, p_g)


def by_lambda(p_data, p_g):
    f = (lambda a, b: od(a, b))
    return f(p_data, p_g)


def make_closure():
    ref = od

    def closed(p_data, p_g):
        return ref(p_data, p_g)
    return closed


def only_setup(p_data, p_g):
    gc.seed_everything(0)
    return plain(p_data, p_g)


def test_plain_numpy_reaches_nothing():
    assert course_names(plain) == []
    assert course_names(only_setup) == ["gancourse.seeding.seed_everything"]
    assert set(course_names(only_setup)) <= ALLOWED


@pytest.mark.parametrize("fn", [by_package, by_alias, by_import_as, by_local_import, by_helper,
                                by_lambda, make_closure()], ids=lambda f: f.__name__)
def test_every_way_of_calling_the_course_is_found(fn):
    assert course_names(fn) == ["gancourse.theory.optimal_discriminator"]


def test_the_self_check_gives_zero_with_the_reason(capsys):
    assert check("02.1", by_alias) is False
    out = capsys.readouterr().out
    assert "[ERROR] optimal_discriminator calls the course's own " \
           "gancourse.theory.optimal_discriminator" in out and "[PASS]" not in out
    assert check("02.1", plain) is True


def test_only_experiments_may_use_the_course():
    registry = load_registry()
    experiments = sorted(i for i, ex in registry.exercises.items() if ex.uses_course)
    assert experiments == ["04.5", "05.5", "06.6", "07.6", "08.5", "09.5"]
