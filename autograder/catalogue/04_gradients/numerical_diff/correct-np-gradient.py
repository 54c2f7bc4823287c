# correct: np.gradient on three samples; its middle entry is the central difference
def numerical_diff(f, x):
    import numpy as np
    h = 0.0001
    samples = np.array([f(x - h), f(x), f(x + h)], dtype=float)
    return float(np.gradient(samples, h)[1])
