# correct: the in-place steps work on a copy of x, so the caller's array is untouched
def sigmoid_grad(x):
    s = np.array(x, dtype=float, copy=True)
    s *= -1
    np.exp(s, out=s)
    s += 1
    s **= -1
    return s * (1 - s)
