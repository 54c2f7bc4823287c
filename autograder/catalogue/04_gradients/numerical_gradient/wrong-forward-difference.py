# wrong: forward difference per entry, (f(x+h) - f(x)) / h
def numerical_gradient(f, x):
    h = 1e-4
    grad = np.zeros_like(x)
    fx = f(x)
    for idx in np.ndindex(x.shape):
        tmp = x[idx]
        x[idx] = tmp + h
        grad[idx] = (f(x) - fx) / h
        x[idx] = tmp
    return grad
