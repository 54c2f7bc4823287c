# correct: walks both shapes from the right with an index, treating missing axes as 1
def broadcast_shape(shape_a, shape_b):
    result = []
    for k in range(1, max(len(shape_a), len(shape_b)) + 1):
        a = shape_a[-k] if k <= len(shape_a) else 1
        b = shape_b[-k] if k <= len(shape_b) else 1
        if a != b and a != 1 and b != 1:
            raise ValueError(f"cannot broadcast {shape_a} with {shape_b}: {a} vs {b}")
        result.append(b if a == 1 else a)
    return tuple(reversed(result))
