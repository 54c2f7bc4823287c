# correct: the same in-place steps, but on a copy of x, so the caller's array is untouched
def softmax(x):
    z = np.array(x, dtype=float, copy=True)
    z -= np.max(z, axis=-1, keepdims=True)
    np.exp(z, out=z)
    z /= np.sum(z, axis=-1, keepdims=True)
    return z
