# wrong: softmax without subtracting the maximum: exp(1000) overflows and the Jacobian is nan
def softmax_jacobian(x):
    y = np.exp(x) / np.sum(np.exp(x))
    return np.diag(y) - np.outer(y, y)
