# correct: a numerically stable sigmoid with np.where, then s * (1 - s)
def sigmoid_grad(x):
    z = np.exp(-np.abs(x))
    s = np.where(x >= 0, 1 / (1 + z), z / (1 + z))
    return s * (1 - s)
