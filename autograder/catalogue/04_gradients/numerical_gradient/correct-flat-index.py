# correct: a flat index loop with np.unravel_index
def numerical_gradient(f, x):
    h = 1e-4
    grad = np.zeros(x.shape)
    for i in range(x.size):
        idx = np.unravel_index(i, x.shape)
        keep = float(x[idx])
        x[idx] = keep + h
        up = float(f(x))
        x[idx] = keep - h
        down = float(f(x))
        x[idx] = keep
        grad[idx] = (up - down) / (2 * h)
    return grad
