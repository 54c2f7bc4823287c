# wrong: never checks compatibility, returns the larger size on every axis
def broadcast_shape(shape_a, shape_b):
    n = max(len(shape_a), len(shape_b))
    a = (1,) * (n - len(shape_a)) + tuple(shape_a)
    b = (1,) * (n - len(shape_b)) + tuple(shape_b)
    return tuple(y if x == 1 else x for x, y in zip(a, b))
