# correct: three nested loops, accumulating each entry
def matmul(A, B):
    if len(A.shape) != 2 or len(B.shape) != 2 or A.shape[1] != B.shape[0]:
        raise ValueError("matmul needs (n, m) and (m, p)")
    n, m = A.shape
    p = B.shape[1]
    C = np.zeros((n, p), dtype=float)
    for i in range(n):
        for j in range(p):
            for k in range(m):
                C[i, j] += A[i, k] * B[k, j]
    return C
