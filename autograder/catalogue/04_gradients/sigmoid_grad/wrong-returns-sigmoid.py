# wrong: returns sigma(x) instead of its derivative
def sigmoid_grad(x):
    return 1 / (1 + np.exp(-x))
