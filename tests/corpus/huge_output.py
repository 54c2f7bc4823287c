"""Prints 300 MB: the kernel keeps the first part of each cell's output; full marks, no harm."""
EXPECT = {"status": "graded", "score": 20, "flags": [], "reason": ""}

DOT = '''line = "x" * 1_000_000
for _ in range(300):
    print(line)


def dot(x, y):
    if x.ndim != 1 or y.ndim != 1 or x.shape != y.shape:
        raise ValueError("dot expects two 1-D arrays of equal length")
    return float((x * y).sum())
'''


def build(kit):
    return {"01_arrays.ipynb": kit.text(kit.notebook(dot=DOT))}
