# wrong: np.tile(x, n) repeats along the columns, shape (1, n*D)
class Repeat:
    def __init__(self, n):
        self.params, self.grads = [], []
        self.n = n

    def forward(self, x):
        return np.tile(x, self.n)

    def backward(self, dy):
        return np.sum(dy, axis=0, keepdims=True)
