# correct: keeps a copy of x only to read the original values from, nudging and restoring x itself
def numerical_gradient(f, x):
    h = 1e-4
    saved = x.copy()
    grad = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        x[idx] = saved[idx] + h
        fxh1 = f(x)
        x[idx] = saved[idx] - h
        fxh2 = f(x)
        x[idx] = saved[idx]
        grad[idx] = (fxh1 - fxh2) / (2 * h)
    return grad
