# correct: two loops over k and j with the two cases of the derivation
def softmax_jacobian(x):
    shifted = x - np.max(x)
    y = np.exp(shifted) / np.sum(np.exp(shifted))
    C = len(y)
    J = np.zeros((C, C))
    for k in range(C):
        for j in range(C):
            if k == j:
                J[k, j] = y[k] * (1 - y[k])
            else:
                J[k, j] = -y[k] * y[j]
    return J
