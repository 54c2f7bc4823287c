# wrong: divides by h instead of 2h, so the slope is doubled
def numerical_diff(f, x):
    h = 1e-4
    return (f(x + h) - f(x - h)) / h
