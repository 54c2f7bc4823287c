# wrong: the inner sum runs over the columns of B (p) instead of the shared size m
def matmul(A, B):
    if A.ndim != 2 or B.ndim != 2 or A.shape[1] != B.shape[0]:
        raise ValueError("matmul expects (n, m) and (m, p)")
    n, m = A.shape
    p = B.shape[1]
    C = np.zeros((n, p))
    for i in range(n):
        for j in range(p):
            for k in range(p):
                C[i, j] += A[i, k] * B[k, j]
    return C
