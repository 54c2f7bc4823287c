# correct: an index loop with Python floats
def dot(x, y):
    if len(x.shape) != 1 or len(y.shape) != 1 or x.shape[0] != y.shape[0]:
        raise ValueError("dot needs two 1-D arrays of the same length")
    total = 0.0
    for i in range(x.shape[0]):
        total = total + float(x[i]) * float(y[i])
    return total
