# wrong: turns one sample into a batch by setting .shape, which reshapes the caller's y and t
def cross_entropy_error(y, t):
    if y.ndim == 1:
        t.shape = (1, t.size)
        y.shape = (1, y.size)
    if t.size == y.size:
        t = t.argmax(axis=1)
    t = t.reshape(-1)
    batch_size = y.shape[0]
    return -np.sum(np.log(y[np.arange(batch_size), t] + 1e-7)) / batch_size
