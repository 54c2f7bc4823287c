# wrong: never checks that the inputs are 2-D, so 1-D arrays slip through
def matmul(A, B):
    if A.shape[-1] != B.shape[0]:
        raise ValueError("inner sizes differ")
    return (A[..., :, None] * B).sum(axis=-2)
