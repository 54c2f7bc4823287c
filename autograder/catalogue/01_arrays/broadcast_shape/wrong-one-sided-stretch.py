# wrong: only a 1 in shape_b stretches; a 1 in shape_a against a larger size is called a conflict
def broadcast_shape(shape_a, shape_b):
    n = max(len(shape_a), len(shape_b))
    a = (1,) * (n - len(shape_a)) + tuple(shape_a)
    b = (1,) * (n - len(shape_b)) + tuple(shape_b)
    out = []
    for x, y in zip(a, b):
        if x == y or y == 1:
            out.append(x)
        else:
            raise ValueError(f"shapes {shape_a} and {shape_b} do not broadcast")
    return tuple(out)
