# correct: builtin sum over generator expressions, arrays built from nested lists
def matmul_backward_loops(x, W, dy):
    N, D = x.shape
    H = W.shape[1]
    dx = np.array([[sum(dy[n, j] * W[i, j] for j in range(H)) for i in range(D)] for n in range(N)],
                  dtype=float).reshape(N, D)
    dW = np.array([[sum(x[n, i] * dy[n, j] for n in range(N)) for j in range(H)] for i in range(D)],
                  dtype=float).reshape(D, H)
    return dx, dW
