# wrong: checks only the sizes, so matrices of equal size are accepted
def dot(x, y):
    if x.size != y.size:
        raise ValueError("dot expects equal lengths")
    return float(np.sum(x * y))
