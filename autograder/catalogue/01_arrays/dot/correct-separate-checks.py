# correct: one check per argument with its own message, and sum(map(operator.mul, ...))
def dot(x, y):
    import operator
    if len(x.shape) != 1:
        raise ValueError(f"x must be 1-D, got shape {x.shape}")
    if len(y.shape) != 1:
        raise ValueError(f"y must be 1-D, got shape {y.shape}")
    if x.size != y.size:
        raise ValueError(f"lengths differ: {x.size} and {y.size}")
    return float(sum(map(operator.mul, x.tolist(), y.tolist())))
