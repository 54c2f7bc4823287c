# wrong: indexes the result as C[j, i], giving the transpose of the product
def matmul(A, B):
    if A.ndim != 2 or B.ndim != 2 or A.shape[1] != B.shape[0]:
        raise ValueError("bad shapes")
    C = np.zeros((B.shape[1], A.shape[0]))
    for i in range(A.shape[0]):
        for j in range(B.shape[1]):
            C[j, i] = np.sum(A[i] * B[:, j])
    return C
