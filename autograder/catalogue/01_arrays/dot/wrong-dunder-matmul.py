# wrong: calls x.__matmul__(y), the @ operator under another name
def dot(x, y):
    if x.ndim != 1 or y.ndim != 1 or len(x) != len(y):
        raise ValueError("dot expects two 1-D arrays of equal length")
    return float(x.__matmul__(y))
