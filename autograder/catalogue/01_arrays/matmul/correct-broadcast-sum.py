# correct: broadcasting (n, m, 1) * (1, m, p) and summing over the middle axis
def matmul(A, B):
    if A.ndim != 2 or B.ndim != 2:
        raise ValueError(f"need 2-D arrays, got {A.shape} and {B.shape}")
    if A.shape[1] != B.shape[0]:
        raise ValueError(f"inner sizes differ: {A.shape} and {B.shape}")
    return (A[:, :, np.newaxis] * B[np.newaxis, :, :]).sum(axis=1).astype(float)
