# wrong: loops over the first axis with math.exp, so only 1-D x works
def sigmoid_grad(x):
    import math
    s = np.array([1 / (1 + math.exp(-v)) for v in x])
    return s * (1 - s)
