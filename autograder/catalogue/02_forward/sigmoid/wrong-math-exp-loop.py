# wrong: a loop with math.exp over the first axis only works for 1-D input (and overflows at 1000)
def sigmoid(x):
    import math
    return np.array([1 / (1 + math.exp(-v)) for v in x])
