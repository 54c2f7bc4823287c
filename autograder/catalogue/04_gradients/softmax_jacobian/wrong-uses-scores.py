# wrong: plugs the scores x into the formula instead of the probabilities y = softmax(x)
def softmax_jacobian(x):
    return np.diag(x) - np.outer(x, x)
