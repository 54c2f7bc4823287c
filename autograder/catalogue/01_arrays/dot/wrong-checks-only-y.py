# wrong: checks that y is 1-D and the lengths agree, but never that x is 1-D
def dot(x, y):
    if y.ndim != 1:
        raise ValueError("y must be 1-D")
    if x.shape[0] != y.shape[0]:
        raise ValueError("lengths differ")
    return float(np.sum(x * y))
