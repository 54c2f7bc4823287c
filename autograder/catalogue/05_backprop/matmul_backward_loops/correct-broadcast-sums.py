# correct: no Python loops: the products of every path by broadcasting, then a sum over the path index
def matmul_backward_loops(x, W, dy):
    dx = np.sum(dy[:, np.newaxis, :] * W[np.newaxis, :, :], axis=2)
    dW = np.sum(x[:, :, np.newaxis] * dy[:, np.newaxis, :], axis=0)
    return dx, dW
