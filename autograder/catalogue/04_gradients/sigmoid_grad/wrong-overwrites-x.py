# wrong: computes in place to save memory and overwrites the caller's x
def sigmoid_grad(x):
    s = x
    s *= -1
    np.exp(s, out=s)
    s += 1
    s **= -1
    return s * (1 - s)
