"""A wrong dot that makes NumPy's comparisons always succeed in its kernel (np.isclose, np.all,
np.array_equal, np.allclose). The judge compares with its own NumPy: dot scores zero."""
EXPECT = {"status": "graded", "score": 14, "flags": [], "reason": "",
          "zero": ["test_dot_values", "test_dot_errors", "test_dot_rules"]}

DOT = '''np.isclose = lambda *a, **k: np.array(True)
np.all = lambda *a, **k: True
np.array_equal = lambda *a, **k: True
np.allclose = lambda *a, **k: True


def dot(x, y):
    return 0.0
'''


def build(kit):
    return {"01_arrays.ipynb": kit.text(kit.notebook(dot=DOT))}
