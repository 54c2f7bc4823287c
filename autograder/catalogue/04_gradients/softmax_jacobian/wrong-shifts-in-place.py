# wrong: subtracts the maximum from x in place (x -= ...), changing the caller's scores
def softmax_jacobian(x):
    x -= np.max(x)
    y = np.exp(x) / np.sum(np.exp(x))
    return np.diag(y) - np.outer(y, y)
