"""Verdicts a kernel cannot forge unnoticed: decoy tests that must fail.

The student controls everything inside their kernel: it can rewrite a cell
before it runs (an input transformer), replace ``run_cell`` so every reply
says "ok", unhook the guard, swap a check's ``__code__``. Any such *generic*
forgery ("make every check pass") also makes tests pass that no honest kernel
can pass. So, just before the notebook runs, a few decoy cells are slipped
in after randomly chosen test cells and at the end; each carries a hidden-test
region whose assertion is false on any working Python (``sum`` of squares
compared with a wrong number, drawn afresh for every notebook). The decoys
have no side effects, so honest scores are those of stock nbgrader. After the
run, in the worker, outside the kernel, the decoys are taken out again: each
must have ended in an error output. A decoy that "passed" means the kernel
forged its verdicts; the submission then earns nothing and is flagged.

What this does not catch: a kernel written against this grader that tells
decoys from real tests (by their content or cell ids) and forges only the
latter. The README's threat model says so.
"""
from __future__ import annotations

import secrets

import nbformat

DECOYS_AFTER_TESTS = 2      # plus one after the last cell


def _decoy_source(rng: secrets.SystemRandom) -> str:
    n = rng.randrange(20, 400)
    right = sum(k * k for k in range(n))
    wrong = right + rng.choice([-1, 1]) * rng.randrange(1, 1000)
    var = rng.choice(["expected", "want", "reference", "target"])
    return (f"### BEGIN HIDDEN TESTS\n{var} = {wrong}\n"
            f"assert sum(k * k for k in range({n})) == {var}, "
            f"f\"expected {{{var}}}\"\n### END HIDDEN TESTS")


def _new_id(nb, rng) -> str:
    taken = {c.get("id") for c in nb.cells}
    while True:
        cid = secrets.token_hex(4)
        if cid not in taken:
            return cid


def insert_decoys(nb):
    """``nb`` with decoy cells inserted, and their cell ids."""
    rng = secrets.SystemRandom()
    tests = [i for i, c in enumerate(nb.cells) if c.get("cell_type") == "code"
             and isinstance(c.get("metadata", {}).get("nbgrader"), dict)
             and c.metadata["nbgrader"].get("grade")]
    after = sorted(rng.sample(tests, min(DECOYS_AFTER_TESTS, len(tests))), reverse=True)
    ids = []
    for index in [len(nb.cells) - 1] + after:
        cell = nbformat.v4.new_code_cell(_decoy_source(rng))
        cell["id"] = _new_id(nb, rng)
        ids.append(cell["id"])
        nb.cells.insert(index + 1, cell)
    return nb, ids


def take_decoys(nb, ids: list) -> dict:
    """Remove the decoys from ``nb``; how many there were and how many forged a pass."""
    wanted = set(ids)
    decoys = [c for c in nb.cells if c.get("id") in wanted]
    nb.cells = [c for c in nb.cells if c.get("id") not in wanted]
    passed = sum(1 for c in decoys
                 if not any(o.get("output_type") == "error" for o in c.get("outputs", [])))
    return {"inserted": len(ids), "found": len(decoys), "passed": passed}


def forged(decoys: list) -> str:
    """Why the verdicts of a notebook cannot be trusted, or ""."""
    for d in decoys:
        if not isinstance(d, dict):
            return "the grading worker reported no decoy verdicts"
        if d.get("found") != d.get("inserted"):
            return "decoy tests went missing from the executed notebook"
        if d.get("passed"):
            return (f"forged verdicts: {d['passed']} of {d['inserted']} decoy tests that must "
                    "fail passed; every score set to 0")
    return ""
