# wrong: h = 1e-50, the book's bad example: x + h == x, so the result is 0
def numerical_diff(f, x):
    h = 1e-50
    return (f(x + h) - f(x - h)) / (2 * h)
