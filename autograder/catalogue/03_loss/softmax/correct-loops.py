# correct: a Python loop over the rows, with math.exp on each entry
def softmax(x):
    import math
    rows = np.atleast_2d(x)
    out = np.empty(rows.shape)
    for i in range(rows.shape[0]):
        m = max(rows[i])
        exps = [math.exp(v - m) for v in rows[i]]
        total = sum(exps)
        for j in range(rows.shape[1]):
            out[i, j] = exps[j] / total
    return out.reshape(x.shape)
