# wrong: reads the Kronecker delta as 1 everywhere: y_k (1 - y_j) for every entry (not symmetric, columns do not sum to 0)
def softmax_jacobian(x):
    e = np.exp(x - np.max(x))
    y = e / np.sum(e)
    return y[:, None] * (1 - y[None, :])
