# wrong: only the -y_k y_j term of the quotient rule, for every entry: the diagonal misses its + y_k (the numerator's own derivative)
def softmax_jacobian(x):
    e = np.exp(x - np.max(x))
    y = e / np.sum(e)
    return -np.outer(y, y)
