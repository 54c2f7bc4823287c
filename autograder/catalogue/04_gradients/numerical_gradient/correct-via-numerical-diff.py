# correct: reuses numerical_diff on a one-entry function, writing into x in place
def numerical_gradient(f, x):
    grad = np.zeros_like(x, dtype=float)
    for idx in np.ndindex(*x.shape):
        original = float(x[idx])

        def along(value):
            x[idx] = value
            return f(x)

        grad[idx] = numerical_diff(along, original)
        x[idx] = original
    return grad
