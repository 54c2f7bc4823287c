# wrong: -s * (1 - s), forgot that the two minus signs of the chain cancel
def sigmoid_grad(x):
    s = 1 / (1 + np.exp(-x))
    return -s * (1 - s)
