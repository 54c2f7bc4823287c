# correct: the log-sum-exp form, exp(x - logsumexp(x)) over the last axis
def softmax(x):
    m = np.max(x, axis=-1, keepdims=True)
    log_sum = m + np.log(np.sum(np.exp(x - m), axis=-1, keepdims=True))
    return np.exp(x - log_sum)
