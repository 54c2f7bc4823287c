# wrong: accumulates in an int, truncating every product
def dot(x, y):
    if x.ndim != 1 or y.ndim != 1 or len(x) != len(y):
        raise ValueError("dot expects two 1-D arrays of equal length")
    total = 0
    for i in range(len(x)):
        total += int(x[i] * y[i])
    return total
