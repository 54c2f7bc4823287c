# wrong: swaps the roles of x and dy in dW (dy's column i times x's column j), which runs only when D == H
def matmul_backward_loops(x, W, dy):
    N, D = x.shape
    H = W.shape[1]
    dx, dW = np.zeros((N, D)), np.zeros((D, H))
    for n in range(N):
        for i in range(D):
            dx[n, i] = np.sum(dy[n, :] * W[i, :])
    for i in range(D):
        for j in range(H):
            dW[i, j] = np.sum(dy[:, i] * x[:, j])
    return dx, dW
