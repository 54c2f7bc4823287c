# wrong: returns the diagonal y (1 - y) as a vector of shape (C,) instead of the (C, C) matrix
def softmax_jacobian(x):
    e = np.exp(x - np.max(x))
    y = e / np.sum(e)
    return y * (1 - y)
