# wrong: averages the path sum of dW over the samples (divides by N), though the loss layer already averages
def matmul_backward_loops(x, W, dy):
    N, D = x.shape
    H = W.shape[1]
    dx, dW = np.zeros((N, D)), np.zeros((D, H))
    for n in range(N):
        for i in range(D):
            dx[n, i] = np.sum(dy[n, :] * W[i, :])
    for i in range(D):
        for j in range(H):
            dW[i, j] = np.mean(x[:, i] * dy[:, j])
    return dx, dW
