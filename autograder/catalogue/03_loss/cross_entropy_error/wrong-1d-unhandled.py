# wrong: a 1-D y is not reshaped, so its batch size is taken as C (and labels of shape () fail)
def cross_entropy_error(y, t):
    if t.ndim < y.ndim:
        t = np.eye(y.shape[-1])[t]
    batch_size = y.shape[0]
    return -np.sum(t * np.log(y + 1e-7)) / batch_size
