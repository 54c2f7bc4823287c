# wrong: 1 - 1 / (1 + exp(x)) is sigma(x) again, so this is s * s
def sigmoid_grad(x):
    s = 1 / (1 + np.exp(-x))
    return s * (1 - 1 / (1 + np.exp(x)))
