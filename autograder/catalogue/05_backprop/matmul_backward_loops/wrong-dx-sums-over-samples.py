# wrong: sums dx over the samples too, as if x[n, i] reached every row of y (one row of dx repeated)
def matmul_backward_loops(x, W, dy):
    N, D = x.shape
    H = W.shape[1]
    dx, dW = np.zeros((N, D)), np.zeros((D, H))
    for n in range(N):
        for i in range(D):
            dx[n, i] = np.sum(dy[:, :] * W[i, :])
    for i in range(D):
        for j in range(H):
            dW[i, j] = np.sum(x[:, i] * dy[:, j])
    return dx, dW
