# wrong: backward divides by N, as for a mean
class Sum:
    def __init__(self):
        self.params, self.grads = [], []
        self.n = None

    def forward(self, x):
        self.n = x.shape[0]
        return np.sum(x, axis=0, keepdims=True)

    def backward(self, dy):
        return np.repeat(dy, self.n, axis=0) / self.n
