# wrong: forgets keepdims=True, so (N, C) - (N,) broadcasts along the wrong axis (or fails)
def softmax(x):
    shifted = x - np.max(x, axis=-1)
    exp_x = np.exp(shifted)
    return exp_x / np.sum(exp_x, axis=-1)
