# wrong: no constant inside the log; np.nan_to_num turns the infinite loss of a probability 0 into 1.8e308
def cross_entropy_error(y, t):
    if y.ndim == 1:
        t = t.reshape(1, t.size)
        y = y.reshape(1, y.size)
    if t.size == y.size:
        t = t.argmax(axis=1)
    t = t.reshape(-1)
    batch_size = y.shape[0]
    with np.errstate(divide="ignore"):
        losses = np.nan_to_num(-np.log(y[np.arange(batch_size), t]))
    return np.sum(losses) / batch_size
