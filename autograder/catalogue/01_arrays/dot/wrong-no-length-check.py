# wrong: no length check; zip silently drops the extra entries
def dot(x, y):
    if x.ndim != 1 or y.ndim != 1:
        raise ValueError("dot expects 1-D arrays")
    return float(sum(a * b for a, b in zip(x, y)))
