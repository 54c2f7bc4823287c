# wrong: adds the sizes of the products, as if the dot product only measured lengths
def dot(x, y):
    if x.ndim != 1 or y.ndim != 1 or len(x) != len(y):
        raise ValueError("dot expects two 1-D arrays of equal length")
    return float(np.sum(np.abs(x * y)))
