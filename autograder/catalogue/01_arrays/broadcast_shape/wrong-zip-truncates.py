# wrong: zips the reversed shapes, dropping the extra leading axes of the longer one
def broadcast_shape(shape_a, shape_b):
    out = []
    for x, y in zip(reversed(shape_a), reversed(shape_b)):
        if x == y or y == 1:
            out.append(x)
        elif x == 1:
            out.append(y)
        else:
            raise ValueError("shapes do not broadcast")
    return tuple(reversed(out))
