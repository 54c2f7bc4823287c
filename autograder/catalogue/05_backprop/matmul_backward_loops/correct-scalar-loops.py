# correct: three nested loops over scalars, accumulating each path's term
def matmul_backward_loops(x, W, dy):
    N, D = x.shape
    H = W.shape[1]
    dx, dW = np.zeros((N, D)), np.zeros((D, H))
    for n in range(N):
        for i in range(D):
            for j in range(H):
                dx[n, i] += dy[n, j] * W[i, j]
                dW[i, j] += x[n, i] * dy[n, j]
    return dx, dW
