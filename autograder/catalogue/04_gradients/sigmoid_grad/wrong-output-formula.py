# wrong: y * (1 - y) applied to the input x, as if x were the sigmoid's output
def sigmoid_grad(x):
    return x * (1 - x)
