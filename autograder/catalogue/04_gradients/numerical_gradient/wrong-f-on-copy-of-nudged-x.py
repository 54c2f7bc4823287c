# wrong: nudges x in place but hands f a copy, so f never gets the array it is asked about
def numerical_gradient(f, x):
    h = 1e-4
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        tmp = x[idx]
        x[idx] = tmp + h
        fxh1 = f(x.copy())
        x[idx] = tmp - h
        fxh2 = f(x.copy())
        x[idx] = tmp
        grad[idx] = (fxh1 - fxh2) / (2 * h)
    return grad
