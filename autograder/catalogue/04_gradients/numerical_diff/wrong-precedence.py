# wrong: missing brackets, divides by 2 and then MULTIPLIES by h
def numerical_diff(f, x):
    h = 1e-4
    return (f(x + h) - f(x - h)) / 2 * h
