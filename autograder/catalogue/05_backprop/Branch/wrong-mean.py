# wrong: backward averages the upstream gradients instead of adding them
class Branch:
    def __init__(self, n):
        self.params, self.grads = [], []
        self.n = n

    def forward(self, x):
        return [x.copy() for _ in range(self.n)]

    def backward(self, douts):
        return np.mean(douts, axis=0)
