# correct: J[k, j] = y_k (delta_kj - y_j) with np.eye and einsum, y from a log-sum-exp
def softmax_jacobian(x):
    m = np.max(x)
    log_y = x - m - np.log(np.sum(np.exp(x - m)))
    y = np.exp(log_y)
    return np.einsum("k,kj->kj", y, np.eye(x.size) - y[np.newaxis, :])
