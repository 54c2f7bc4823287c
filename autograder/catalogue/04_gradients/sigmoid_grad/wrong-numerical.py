# wrong: differentiates numerically with numerical_diff instead of using the formula
def sigmoid_grad(x):
    return numerical_diff(lambda v: 1 / (1 + np.exp(-v)), x)
