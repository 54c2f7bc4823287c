# correct: separate checks, then rows of A zipped with columns of B in plain Python
def matmul(A, B):
    if A.ndim != 2:
        raise ValueError(f"A must be 2-D, got shape {A.shape}")
    if B.ndim != 2:
        raise ValueError(f"B must be 2-D, got shape {B.shape}")
    if A.shape[1] != B.shape[0]:
        raise ValueError(f"inner sizes differ: {A.shape} and {B.shape}")
    rows = [[sum(a * b for a, b in zip(row, column)) for column in B.T] for row in A]
    return np.array(rows, dtype=float).reshape(A.shape[0], B.shape[1])
