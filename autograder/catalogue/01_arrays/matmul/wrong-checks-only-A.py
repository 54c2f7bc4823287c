# wrong: checks that A is 2-D and the inner sizes agree, but never that B is 2-D
def matmul(A, B):
    if A.ndim != 2:
        raise ValueError("A must be 2-D")
    if A.shape[1] != B.shape[0]:
        raise ValueError("inner sizes differ")
    return (A[:, :, None] * B[None]).sum(axis=1).astype(float)
