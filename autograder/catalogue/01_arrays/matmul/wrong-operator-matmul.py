# wrong: imports operator.matmul, the @ operator as a function
def matmul(A, B):
    from operator import matmul as product
    if A.ndim != 2 or B.ndim != 2 or A.shape[1] != B.shape[0]:
        raise ValueError("matmul expects (n, m) and (m, p)")
    return product(A, B).astype(float)
