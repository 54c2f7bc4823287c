# correct: np.tile copies dy into N rows
class Sum:
    def __init__(self):
        self.params, self.grads = [], []
        self.n = None

    def forward(self, x):
        self.n = x.shape[0]
        return np.sum(x, axis=0, keepdims=True)

    def backward(self, dy):
        return np.tile(dy, (self.n, 1))
