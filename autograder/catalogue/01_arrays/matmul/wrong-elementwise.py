# wrong: element-wise product (right only by accident, never in shape for non-square)
def matmul(A, B):
    if A.ndim != 2 or B.ndim != 2 or A.shape[1] != B.shape[0]:
        raise ValueError("bad shapes")
    return A * B
