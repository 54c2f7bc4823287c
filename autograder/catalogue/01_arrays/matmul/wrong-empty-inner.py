# wrong: builds rows with a list comprehension that loses the shape when a size is 0
def matmul(A, B):
    if A.ndim != 2 or B.ndim != 2 or A.shape[1] != B.shape[0]:
        raise ValueError("bad shapes")
    return np.array([[sum(A[i, k] * B[k, j] for k in range(A.shape[1]))
                      for j in range(B.shape[1])] for i in range(A.shape[0])])
