# wrong: loops over the samples but assigns instead of adding, so dW keeps only the last sample's term
def matmul_backward_loops(x, W, dy):
    N, D = x.shape
    H = W.shape[1]
    dx, dW = np.zeros((N, D)), np.zeros((D, H))
    for n in range(N):
        for i in range(D):
            dx[n, i] = np.sum(dy[n, :] * W[i, :])
            for j in range(H):
                dW[i, j] = x[n, i] * dy[n, j]
    return dx, dW
