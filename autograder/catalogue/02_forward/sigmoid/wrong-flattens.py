# wrong: works on x.ravel() and returns a flat array instead of the input's shape
def sigmoid(x):
    flat = x.ravel()
    return 1 / (1 + np.exp(-flat))
