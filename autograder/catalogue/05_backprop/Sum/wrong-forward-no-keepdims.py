# wrong: forward drops the row axis, shape (D,) instead of (1, D)
class Sum:
    def __init__(self):
        self.params, self.grads = [], []
        self.n = None

    def forward(self, x):
        self.n = x.shape[0]
        return np.sum(x, axis=0)

    def backward(self, dy):
        return np.repeat(dy, self.n, axis=0)
