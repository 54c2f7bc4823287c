# wrong: calls A.__matmul__(B), the @ operator under another name
def matmul(A, B):
    if A.ndim != 2 or B.ndim != 2 or A.shape[1] != B.shape[0]:
        raise ValueError("matmul expects (n, m) and (m, p)")
    return A.__matmul__(B).astype(float)
