# wrong: compares the wrong sizes (A's rows with B's columns)
def matmul(A, B):
    if A.ndim != 2 or B.ndim != 2 or A.shape[0] != B.shape[1]:
        raise ValueError("bad shapes")
    return (A[:, :, None] * B[None, :, :]).sum(axis=1)
