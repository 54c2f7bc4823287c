# wrong: calls np.ndarray.__matmul__(A, B), the @ operator through the class
def matmul(A, B):
    if A.ndim != 2 or B.ndim != 2 or A.shape[1] != B.shape[0]:
        raise ValueError("matmul expects (n, m) and (m, p)")
    return np.ndarray.__matmul__(A, B).astype(float)
