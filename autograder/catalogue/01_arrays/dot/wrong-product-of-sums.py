# wrong: multiplies the sums of the two vectors instead of summing the products
def dot(x, y):
    if x.ndim != 1 or y.ndim != 1 or len(x) != len(y):
        raise ValueError("dot expects two 1-D arrays of equal length")
    return float(np.sum(x) * np.sum(y))
