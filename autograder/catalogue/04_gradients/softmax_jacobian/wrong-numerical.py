# wrong: differentiates numerically (central differences, h = 1e-4) instead of using the derived formula; good only to about 1e-9
def softmax_jacobian(x):
    def softmax(v):
        e = np.exp(v - np.max(v))
        return e / np.sum(e)

    h = 1e-4
    J = np.zeros((x.size, x.size))
    for j in range(x.size):
        step = np.zeros(x.size)
        step[j] = h
        J[:, j] = (softmax(x + step) - softmax(x - step)) / (2 * h)
    return J
