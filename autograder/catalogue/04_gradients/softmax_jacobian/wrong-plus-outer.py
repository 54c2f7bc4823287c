# wrong: a sign slip in the quotient rule: diag(y) + y y^T instead of diag(y) - y y^T
def softmax_jacobian(x):
    e = np.exp(x - np.max(x))
    y = e / np.sum(e)
    return np.diag(y) + np.outer(y, y)
