# wrong: normalises over axis 0 (each column) instead of each row
def softmax(x):
    shifted = x - np.max(x, axis=0, keepdims=True)
    exp_x = np.exp(shifted)
    return exp_x / np.sum(exp_x, axis=0, keepdims=True)
