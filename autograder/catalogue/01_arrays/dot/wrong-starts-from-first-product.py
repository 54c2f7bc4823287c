# wrong: starts the sum from the first product, so two empty vectors raise IndexError
def dot(x, y):
    if x.ndim != 1 or y.ndim != 1:
        raise ValueError("dot expects 1-D arrays")
    if len(x) != len(y):
        raise ValueError("dot expects equal lengths")
    total = x[0] * y[0]
    for i in range(1, len(x)):
        total += x[i] * y[i]
    return float(total)
