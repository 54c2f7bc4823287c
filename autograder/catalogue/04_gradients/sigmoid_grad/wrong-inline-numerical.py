# wrong: an inline central difference, accurate only to about 1e-9
def sigmoid_grad(x):
    h = 1e-5
    return (1 / (1 + np.exp(-(x + h))) - 1 / (1 + np.exp(-(x - h)))) / (2 * h)
