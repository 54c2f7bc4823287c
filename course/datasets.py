"""Data sets used by the notebooks."""
from __future__ import annotations

import numpy as np


def load_spiral(seed: int = 1984, points_per_class: int = 100, classes: int = 3):
    """The spiral data set of *Deep Learning from Scratch 2*, chapter 1.

    Class ``j``'s ``i``-th point lies at radius ``r = i / N`` and angle
    ``theta = 4 j + 4 r + 0.2 * noise``, at ``(r sin theta, r cos theta)``, the
    noise drawn from a standard normal in the book's order (class by class,
    point by point), so the default seed reproduces the book's data exactly.
    A private generator is used, so NumPy's global random state is untouched.

    Returns
    -------
    x : ndarray, shape (classes * points_per_class, 2), float64
    t : ndarray, shape (classes * points_per_class, classes), int64, one-hot
    """
    rng = np.random.RandomState(seed)
    n = points_per_class
    rate = np.tile(np.arange(n) / n, classes)
    label = np.repeat(np.arange(classes), n)
    theta = 4.0 * label + 4.0 * rate + 0.2 * rng.randn(classes * n)
    x = np.stack([rate * np.sin(theta), rate * np.cos(theta)], axis=1)
    t = np.eye(classes, dtype=np.int64)[label]
    return x, t
