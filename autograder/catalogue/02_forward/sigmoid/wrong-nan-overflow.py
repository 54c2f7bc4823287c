# wrong: the algebraically equal exp(x) / (1 + exp(x)) gives inf / inf = NaN for large x
def sigmoid(x):
    return np.exp(x) / (1 + np.exp(x))
