# wrong: averages the rows instead of summing them
class Repeat:
    def __init__(self, n):
        self.params, self.grads = [], []
        self.n = n

    def forward(self, x):
        return np.repeat(x, self.n, axis=0)

    def backward(self, dy):
        return np.mean(dy, axis=0, keepdims=True)
