# wrong: multiplies x in place (x *= y), so the caller's x is overwritten
def dot(x, y):
    if x.ndim != 1 or y.ndim != 1 or x.shape != y.shape:
        raise ValueError("dot expects two 1-D arrays of equal length")
    x *= y
    return float(x.sum())
