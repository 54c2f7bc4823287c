"""A wrong dot, and every dot test cell replaced by `pass`: nbgrader restores the tests from the
gradebook, so dot scores zero, and the edits are flagged."""
EXPECT = {"status": "graded", "score": 14, "flags": ["edited locked cell test_dot_values",
                                                     "edited locked cell test_dot_rules"],
          "reason": ""}

DOT = '''def dot(x, y):
    return 0.0
'''


def build(kit):
    nb = kit.notebook(dot=DOT)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id", "").startswith("test_dot"):
            cell.source = "pass"
    return {"01_arrays.ipynb": kit.text(nb)}
