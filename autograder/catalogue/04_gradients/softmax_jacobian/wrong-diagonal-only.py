# wrong: treats softmax as element-wise like the sigmoid: y_k (1 - y_k) on the diagonal, zeros elsewhere
def softmax_jacobian(x):
    e = np.exp(x - np.max(x))
    y = e / np.sum(e)
    return np.diag(y * (1 - y))
