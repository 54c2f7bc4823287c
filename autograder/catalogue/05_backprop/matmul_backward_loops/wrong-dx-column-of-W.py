# wrong: pairs row n of dy with column i of W (W[:, i]) instead of row i: dx uses W where W.T belongs, which runs only when D == H
def matmul_backward_loops(x, W, dy):
    N, D = x.shape
    H = W.shape[1]
    dx, dW = np.zeros((N, D)), np.zeros((D, H))
    for n in range(N):
        for i in range(D):
            dx[n, i] = np.sum(dy[n, :] * W[:, i])
    for i in range(D):
        for j in range(H):
            dW[i, j] = np.sum(x[:, i] * dy[:, j])
    return dx, dW
