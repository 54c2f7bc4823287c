# correct: a loop over the samples with math.log, labels converted one by one
def cross_entropy_error(y, t):
    import math
    y2 = y.reshape(-1, y.shape[-1])
    if t.shape == y.shape:
        labels = [int(np.argmax(row)) for row in t.reshape(-1, y.shape[-1])]
    else:
        labels = [int(k) for k in np.ravel(t)]
    total = 0.0
    for n, k in enumerate(labels):
        total += -math.log(y2[n, k] + 1e-7)
    return total / len(labels)
