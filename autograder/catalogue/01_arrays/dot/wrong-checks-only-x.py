# wrong: checks that x is 1-D and the lengths agree, but never that y is 1-D
def dot(x, y):
    if x.ndim != 1:
        raise ValueError("x must be 1-D")
    if len(x) != len(y):
        raise ValueError("lengths differ")
    return float(np.sum(x * y))
