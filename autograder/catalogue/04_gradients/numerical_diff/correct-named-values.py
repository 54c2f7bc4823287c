# correct: both evaluations named, multiplied by 1 / (2h)
def numerical_diff(f, x):
    step = 10 ** -4
    above = f(x + step)
    below = f(x - step)
    return float((above - below) * (0.5 / step))
