"""A wrong dot with its test cells deleted: those tests get no points (left for manual
grading), the deletion is flagged."""
EXPECT = {"status": "graded", "score": 14, "flags": ["deleted test cell test_dot_values",
                                                     "deleted test cell test_dot_errors"],
          "reason": ""}

DOT = '''def dot(x, y):
    return 0.0
'''


def build(kit):
    nb = kit.notebook(dot=DOT)
    nb.cells = [c for c in nb.cells
                if not c.metadata.get("nbgrader", {}).get("grade_id", "").startswith("test_dot")]
    return {"01_arrays.ipynb": kit.text(nb)}
