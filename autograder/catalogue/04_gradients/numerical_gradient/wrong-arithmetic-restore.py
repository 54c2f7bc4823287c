# wrong: undoes the nudge by arithmetic (+h, -2h, +h), which leaves x off by rounding in the last bits
def numerical_gradient(f, x):
    h = 1e-4
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        x[idx] += h
        fxh1 = f(x)
        x[idx] -= 2 * h
        fxh2 = f(x)
        x[idx] += h
        grad[idx] = (fxh1 - fxh2) / (2 * h)
    return grad
