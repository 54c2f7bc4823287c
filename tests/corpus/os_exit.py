"""The matmul cell kills its kernel with os._exit: dot keeps its 6 points, every later test scores zero."""
EXPECT = {"status": "graded", "score": 6, "flags": [], "reason": "kernel died"}

MATMUL = '''import os
os._exit(1)


def matmul(A, B):
    return A @ B
'''


def build(kit):
    return {"01_arrays.ipynb": kit.text(kit.notebook(matmul=MATMUL))}
