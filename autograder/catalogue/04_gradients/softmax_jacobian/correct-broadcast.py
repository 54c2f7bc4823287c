# correct: y[:, None] * (I - y[None, :]) by broadcasting, the maximum subtracted into a copy
def softmax_jacobian(x):
    z = x.copy()
    z -= z.max()
    y = np.exp(z)
    y /= y.sum()
    return y[:, None] * (np.eye(len(y)) - y[None, :])
