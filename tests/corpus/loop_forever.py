"""An endless loop before dot is defined: the per-cell timeout interrupts it, dot's tests score
zero (dot never got defined), the rest of the notebook runs and earns its points."""
EXPECT = {"status": "graded", "score": 14, "flags": [], "reason": "",
          "zero": ["test_dot_values", "test_dot_errors", "test_dot_rules"]}
SLOW = True  # costs one cell timeout

DOT = '''while True:
    pass


def dot(x, y):
    return float((x * y).sum())
'''


def build(kit):
    return {"01_arrays.ipynb": kit.text(kit.notebook(dot=DOT))}
