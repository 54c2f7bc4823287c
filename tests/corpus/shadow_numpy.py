"""A numpy.py beside a correct notebook that would break every import of NumPy: it is not
copied to the kernel's folder, so full marks; flagged."""
EXPECT = {"status": "graded", "score": 20, "flags": ["ignored numpy.py"], "reason": ""}


def build(kit):
    return {"01_arrays.ipynb": kit.text(kit.notebook()),
            "numpy.py": "raise SystemExit('shadowed numpy')\n"}
