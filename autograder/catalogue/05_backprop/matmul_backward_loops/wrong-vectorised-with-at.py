# wrong: right values, but skips the loops and uses @, which the exercise forbids
def matmul_backward_loops(x, W, dy):
    return dy @ W.T, x.T @ dy
