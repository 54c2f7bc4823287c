# wrong: a typo multiplies x by itself, which only the squared length x · x gets right
def dot(x, y):
    if x.ndim != 1 or y.ndim != 1 or len(x) != len(y):
        raise ValueError("dot expects two 1-D arrays of equal length")
    return float(sum(x[i] * x[i] for i in range(len(x))))
