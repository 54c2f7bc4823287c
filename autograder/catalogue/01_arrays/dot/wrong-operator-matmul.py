# wrong: calls operator.matmul, the @ operator as a function
def dot(x, y):
    import operator
    if x.ndim != 1 or y.ndim != 1 or len(x) != len(y):
        raise ValueError("dot expects two 1-D arrays of equal length")
    return float(operator.matmul(x, y))
