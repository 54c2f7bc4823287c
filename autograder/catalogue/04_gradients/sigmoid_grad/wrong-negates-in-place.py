# wrong: negates x in place with out=x before the exponential, changing the caller's array
def sigmoid_grad(x):
    np.negative(x, out=x)
    s = 1 / (1 + np.exp(x))
    return s * (1 - s)
