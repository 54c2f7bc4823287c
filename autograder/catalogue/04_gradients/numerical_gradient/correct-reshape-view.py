# correct: nudges a flat VIEW of x (reshape of a contiguous array), restores from a saved copy
def numerical_gradient(f, x):
    h = 1e-4
    saved = x.copy()
    view = x.reshape(-1)
    grad = np.empty(view.size)
    for i in range(view.size):
        view[i] = saved.flat[i] + h
        fxh1 = f(x)
        view[i] = saved.flat[i] - h
        fxh2 = f(x)
        view[i] = saved.flat[i]
        grad[i] = (fxh1 - fxh2) / (2 * h)
    return grad.reshape(x.shape)
