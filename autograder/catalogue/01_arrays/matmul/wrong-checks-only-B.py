# wrong: checks that B is 2-D and the inner sizes agree, but never that A is 2-D
def matmul(A, B):
    if B.ndim != 2:
        raise ValueError("B must be 2-D")
    if A.shape[-1] != B.shape[0]:
        raise ValueError("inner sizes differ")
    return (A[..., :, None] * B).sum(axis=-2).astype(float)
