# wrong: returns the element-wise product instead of its sum
def dot(x, y):
    if x.ndim != 1 or y.ndim != 1 or x.shape != y.shape:
        raise ValueError("dot expects two 1-D arrays of equal length")
    return x * y
