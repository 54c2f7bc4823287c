# wrong: central difference but with h = 1e-6 instead of the contract's 1e-4
def numerical_diff(f, x):
    h = 1e-6
    return (f(x + h) - f(x - h)) / (2 * h)
