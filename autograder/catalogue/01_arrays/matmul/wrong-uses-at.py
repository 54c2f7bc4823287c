# wrong: uses the @ operator, which the exercise forbids
def matmul(A, B):
    if A.ndim != 2 or B.ndim != 2 or A.shape[1] != B.shape[0]:
        raise ValueError("bad shapes")
    return (A @ B).astype(float)
