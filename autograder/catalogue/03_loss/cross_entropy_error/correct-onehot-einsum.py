# correct: turns label indices into one-hot rows, then -sum_nk t_nk log y_nk / N with einsum
def cross_entropy_error(y, t):
    y2 = y.reshape(-1, y.shape[-1])
    if t.shape != y.shape:
        t = np.eye(y.shape[-1])[np.ravel(t)]
    t2 = t.reshape(y2.shape)
    return -np.einsum("nk,nk->", t2, np.log(y2 + 1e-7)) / y2.shape[0]
