# wrong: np.matmul captured at definition time (a default argument) to slip past the ban
def matmul(A, B, product=np.matmul):
    if A.ndim != 2 or B.ndim != 2 or A.shape[1] != B.shape[0]:
        raise ValueError("matmul expects (n, m) and (m, p)")
    return product(A, B).astype(float)
