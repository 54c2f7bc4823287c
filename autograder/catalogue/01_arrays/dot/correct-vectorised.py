# correct: element-wise product and sum, NumPy style
def dot(x, y):
    if x.ndim != 1 or y.ndim != 1:
        raise ValueError(f"dot expects 1-D arrays, got {x.shape} and {y.shape}")
    if len(x) != len(y):
        raise ValueError(f"lengths differ: {len(x)} and {len(y)}")
    return (x * y).sum()
