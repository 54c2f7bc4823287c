"""Control: the reference solution. Full marks, nothing flagged."""
EXPECT = {"status": "graded", "score": 20, "flags": [], "reason": ""}


def build(kit):
    return {"01_arrays.ipynb": kit.text(kit.notebook())}
