# wrong: puts x back only after the loop, so later entries see earlier entries at x - h
def numerical_gradient(f, x):
    h = 1e-4
    saved = x.copy()
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        x[idx] = saved[idx] + h
        fxh1 = f(x)
        x[idx] = saved[idx] - h
        fxh2 = f(x)
        grad[idx] = (fxh1 - fxh2) / (2 * h)
    x[...] = saved
    return grad
