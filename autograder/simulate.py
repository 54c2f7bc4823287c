"""A simulated class: submissions of every kind a real class hands in."""
from __future__ import annotations

import nbformat

from . import catalogue
from .submissions import crashing_sources, fill, reference_sources


def partly_wrong_sources(name: str, source_nb) -> dict:
    """The reference solution with every other exercise replaced by a catalogued mistake."""
    sources = reference_sources(source_nb)
    wrong = {}
    for entry in catalogue.load(name):
        if entry.kind == "wrong":
            wrong.setdefault(entry.exercise, entry)
    for k, exercise in enumerate(sources):
        if k % 2 == 0 and exercise in wrong:
            sources[exercise] = wrong[exercise].source
    return sources


def small_class(name: str, source_nb, release_nb) -> dict:
    """Four students: correct, partly wrong, unfilled (the release as is), crashing."""
    return {
        "correct": fill(release_nb, reference_sources(source_nb)),
        "partly_wrong": fill(release_nb, partly_wrong_sources(name, source_nb)),
        "unfilled": nbformat.from_dict(release_nb),
        "crashing": fill(release_nb, crashing_sources(source_nb)),
    }
