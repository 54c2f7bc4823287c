# wrong: multiplies a row of A in place (row is a view), so A is overwritten
def matmul(A, B):
    if A.ndim != 2 or B.ndim != 2 or A.shape[1] != B.shape[0]:
        raise ValueError("matmul expects (n, m) and (m, p)")
    A = A.astype(float, copy=False)
    n, p = A.shape[0], B.shape[1]
    C = np.zeros((n, p))
    for j in range(p):
        for i in range(n):
            row = A[i]
            saved = row.copy()
            row *= B[:, j]
            C[i, j] = row.sum()
            if j + 1 < p:
                row[...] = saved
    return C
