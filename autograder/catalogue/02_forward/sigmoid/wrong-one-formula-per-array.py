# wrong: picks one formula for the whole array by its sign, so an array holding both -1000 and 1000 gets NaN
def sigmoid(x):
    if np.all(x >= 0):
        return 1 / (1 + np.exp(-x))
    return np.exp(x) / (1 + np.exp(x))
