# wrong: centres each row on its mean instead of shifting by its maximum: overflows when one row spans -1000 .. 1000
def softmax(x):
    centred = x - np.mean(x, axis=-1, keepdims=True)
    exp_x = np.exp(centred)
    return exp_x / np.sum(exp_x, axis=-1, keepdims=True)
