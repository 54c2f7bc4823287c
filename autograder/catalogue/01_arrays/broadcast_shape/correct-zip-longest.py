# correct: itertools.zip_longest over the reversed shapes
def broadcast_shape(shape_a, shape_b):
    from itertools import zip_longest
    out = []
    for a, b in zip_longest(reversed(shape_a), reversed(shape_b), fillvalue=1):
        if a == 1:
            out.append(b)
        elif b == 1 or a == b:
            out.append(a)
        else:
            raise ValueError("shapes do not broadcast")
    return tuple(out[::-1])
