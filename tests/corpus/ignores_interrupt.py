"""A loop that swallows KeyboardInterrupt: the per-notebook time limit stops it; nothing later runs."""
EXPECT = {"status": "graded", "score": 0, "flags": [], "reason": "time limit"}
SLOW = True  # runs until the per-notebook time limit

DOT = '''while True:
    try:
        while True:
            pass
    except KeyboardInterrupt:
        pass


def dot(x, y):
    return float((x * y).sum())
'''


def build(kit):
    return {"01_arrays.ipynb": kit.text(kit.notebook(dot=DOT))}
