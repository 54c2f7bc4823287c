# wrong: exp(-x) / (1 + exp(-x)) is 1 - sigmoid(x), and NaN at x = -1000
def sigmoid(x):
    return np.exp(-x) / (1 + np.exp(-x))
