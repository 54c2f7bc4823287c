# wrong: np.dot captured at definition time (a default argument) to slip past the ban
def dot(x, y, product=np.dot):
    if x.ndim != 1 or y.ndim != 1 or len(x) != len(y):
        raise ValueError("dot expects two 1-D arrays of equal length")
    return float(product(x, y))
