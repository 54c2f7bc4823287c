"""Verdicts a kernel cannot forge unnoticed: decoy tests that must fail.

The student controls everything inside their kernel: it can rewrite a cell
before it runs (an input transformer), replace ``run_cell`` so every reply
says "ok", unhook the guard, swap a check's ``__code__``. Any such *generic*
forgery ("make every check pass") also makes tests pass that no honest kernel
can pass. So, just before the notebook runs, a few decoy cells are slipped
in after randomly chosen test cells and at the end; each carries a hidden-test
region in the tests' own idiom (``check_close``, ``check_raises``,
``np.allclose``, ``assert``) whose check is false on any honest kernel (a sum
of squares compared with a wrong number, drawn afresh for every notebook). The decoys
have no side effects, so honest scores are those of stock nbgrader. After the
run, in the worker, outside the kernel, the decoys are taken out again: each
must have ended in an error output. A decoy that "passed" means the kernel
forged its verdicts; the submission then earns nothing and is flagged.

What this does not catch: a kernel written against this grader that tells
decoys from real tests (by their content or cell ids) and forges only the
latter. The README's threat model says so.
"""
from __future__ import annotations

import hashlib
import json
import os
import secrets

import nbformat

KINDS = 5                   # one decoy of each kind of check per notebook
DECOYS_AFTER_TESTS = KINDS - 1   # plus one after the last cell


def _decoy_source(rng: secrets.SystemRandom, kind: int | None = None) -> str:
    """A hidden-test region in the tests' own idiom whose check is false on any honest kernel.

    It uses the checks the real tests rely on (``check_close``, ``check_raises``,
    ``check_shape``, ``np.allclose``, plain ``assert``), on constants only: no side effect on
    the student's objects, and no name assigned in the notebook's namespace.
    """
    n = rng.randrange(20, 400)
    right = sum(k * k for k in range(n))
    wrong = right + rng.choice([-1, 1]) * rng.randrange(right // 100 + 1, right // 10 + 2)
    rows, cols = rng.randrange(2, 9), rng.randrange(10, 17)
    text = repr(f"{rng.randrange(1, 99)}.{rng.randrange(10, 99)}")
    what = rng.choice(["sum of squares", "reference total", "accumulated value", "checksum"])
    bodies = [
        f'check_close("{what} for n={n}", float(np.arange({n}) @ np.arange({n})), {wrong}.0)',
        f'assert np.allclose(np.square(np.arange({n})).sum(), {wrong}), "{what} for n={n}"',
        f'assert sum(k * k for k in range({n})) == {wrong}, "{what} for n={n}"',
        f'check_shape("{what} of shape ({rows}, {cols})", np.zeros(({rows}, {cols})), '
        f'({cols}, {rows}))',
        f'check_raises("{what} of {text}", ValueError, float, {text})',
    ]
    body = bodies[rng.randrange(KINDS) if kind is None else kind]
    return f"### BEGIN HIDDEN TESTS\n{body}\n### END HIDDEN TESTS"


def _new_id(nb, rng) -> str:
    taken = {c.get("id") for c in nb.cells}
    while True:
        cid = secrets.token_hex(4)
        if cid not in taken:
            return cid


def insert_decoys(nb):
    """``nb`` with decoy cells inserted, and their cell ids.

    The kernel guard treats the decoys as locked cells (it restores NumPy and the checks
    before them too), so a student's open tampering is undone before a decoy as before a
    real test; only a kernel that also defeats the guard makes a decoy pass."""
    rng = secrets.SystemRandom()
    tests = [i for i, c in enumerate(nb.cells) if c.get("cell_type") == "code"
             and isinstance(c.get("metadata", {}).get("nbgrader"), dict)
             and c.metadata["nbgrader"].get("grade")]
    after = sorted(rng.sample(tests, min(DECOYS_AFTER_TESTS, len(tests))), reverse=True)
    ids = []
    kinds = list(range(KINDS))
    rng.shuffle(kinds)
    ends = [len(nb.cells) - 1] * (KINDS - len(after))   # the rest go after the last cell
    for index, kind in zip(ends + after, kinds):
        cell = nbformat.v4.new_code_cell(_decoy_source(rng, kind))
        cell["id"] = _new_id(nb, rng)
        ids.append(cell["id"])
        nb.cells.insert(index + 1, cell)
    _lock([c.source for c in nb.cells if c.get("id") in ids])
    return nb, ids


def _lock(sources: list) -> None:
    """Add the decoys' digests to the kernel guard's list of locked cells for this notebook."""
    path = os.environ.get("AUTOGRADER_LOCKED")
    if not path or not os.path.exists(path):
        return
    base = os.environ.get("AUTOGRADER_LOCKED_BASE") or path
    with open(base, encoding="utf-8") as f:
        digests = json.load(f)
    digests += [hashlib.sha256(s.encode()).hexdigest() for s in sources]
    current = os.path.join(os.path.dirname(path), "locked-current.json")
    with open(current, "w", encoding="utf-8") as f:
        json.dump(digests, f)
    os.environ["AUTOGRADER_LOCKED_BASE"] = base
    os.environ["AUTOGRADER_LOCKED"] = current


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
