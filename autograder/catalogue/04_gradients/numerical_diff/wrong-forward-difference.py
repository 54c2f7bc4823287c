# wrong: forward difference (f(x+h) - f(x)) / h, error O(h) instead of O(h**2)
def numerical_diff(f, x):
    h = 1e-4
    return (f(x + h) - f(x)) / h
