# wrong: f(x-h) - f(x+h), the sign of the derivative is flipped
def numerical_diff(f, x):
    h = 1e-4
    return (f(x - h) - f(x + h)) / (2 * h)
