# wrong: right numbers, but returned flat, shape (x.size,) instead of x's shape
def numerical_gradient(f, x):
    h = 1e-4
    flat = x.reshape(-1)
    grad = np.zeros(flat.size)
    for i in range(flat.size):
        tmp = flat[i]
        flat[i] = tmp + h
        fxh1 = f(x)
        flat[i] = tmp - h
        fxh2 = f(x)
        grad[i] = (fxh1 - fxh2) / (2 * h)
        flat[i] = tmp
    return grad
