# wrong: the naive formula without subtracting the maximum overflows (nan) for scores near 1000
def softmax(x):
    exp_x = np.exp(x)
    return exp_x / np.sum(exp_x, axis=-1, keepdims=True)
