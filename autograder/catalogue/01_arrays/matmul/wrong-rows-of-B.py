# wrong: pairs row i of A with row j of B (A times B transposed), as if B's rows were its columns
def matmul(A, B):
    if A.ndim != 2 or B.ndim != 2 or A.shape[1] != B.shape[0]:
        raise ValueError("matmul expects (n, m) and (m, p)")
    n, p = A.shape[0], B.shape[1]
    C = np.zeros((n, p))
    for i in range(n):
        for j in range(p):
            C[i, j] = np.sum(A[i, :] * B[j, :])
    return C
