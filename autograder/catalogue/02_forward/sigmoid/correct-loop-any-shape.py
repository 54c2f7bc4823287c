# correct: a Python loop over every entry (np.ndindex), stable for both signs
def sigmoid(x):
    import math
    out = np.zeros(x.shape)
    for index in np.ndindex(x.shape):
        v = float(x[index])
        if v >= 0:
            out[index] = 1.0 / (1.0 + math.exp(-v))
        else:
            out[index] = math.exp(v) / (1.0 + math.exp(v))
    return out
