# wrong: refuses shapes of different lengths instead of padding the shorter one with 1s
def broadcast_shape(shape_a, shape_b):
    if len(shape_a) != len(shape_b):
        raise ValueError("shapes of different lengths do not broadcast")
    out = []
    for a, b in zip(shape_a, shape_b):
        if a == b or b == 1:
            out.append(a)
        elif a == 1:
            out.append(b)
        else:
            raise ValueError("shapes do not broadcast")
    return tuple(out)
