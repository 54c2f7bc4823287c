# wrong: exp(-x) / (1 + exp(-x)) forgets the square in the denominator
def sigmoid_grad(x):
    return np.exp(-x) / (1 + np.exp(-x))
