# wrong: sums along the wrong axis
class Repeat:
    def __init__(self, n):
        self.params, self.grads = [], []
        self.n = n

    def forward(self, x):
        return np.repeat(x, self.n, axis=0)

    def backward(self, dy):
        return np.sum(dy, axis=1, keepdims=True)
