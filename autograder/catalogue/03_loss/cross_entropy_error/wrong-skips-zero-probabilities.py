# wrong: avoids log(0) by counting a probability of 0 as no loss at all, so a sure wrong answer costs nothing
def cross_entropy_error(y, t):
    if y.ndim == 1:
        t = t.reshape(1, t.size)
        y = y.reshape(1, y.size)
    if t.size == y.size:
        t = t.argmax(axis=1)
    t = t.reshape(-1)
    picked = y[np.arange(y.shape[0]), t]
    logs = np.log(np.where(picked > 0, picked, 1.0))
    return -np.sum(logs) / y.shape[0]
