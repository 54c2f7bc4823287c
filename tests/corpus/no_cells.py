"""A valid notebook whose cells were all deleted: zero, every deleted test cell flagged."""
EXPECT = {"status": "graded", "score": 0, "flags": ["deleted test cell test_dot_values",
                                                    "deleted locked cell setup"], "reason": ""}


def build(kit):
    nb = kit.notebook()
    nb.cells = []
    return {"01_arrays.ipynb": kit.text(nb)}
