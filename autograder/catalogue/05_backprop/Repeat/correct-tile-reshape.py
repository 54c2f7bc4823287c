# correct: np.tile over rows; backward sums and reshapes
class Repeat:
    def __init__(self, n):
        self.params, self.grads = [], []
        self.n = n

    def forward(self, x):
        return np.tile(x, (self.n, 1))

    def backward(self, dy):
        return dy.sum(axis=0).reshape(1, -1)
