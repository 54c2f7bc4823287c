# correct: saves the whole shape of x on every forward and broadcasts dy with ones
class Sum:
    def __init__(self):
        self.params, self.grads = [], []
        self.n = None

    def forward(self, x):
        self.shape = x.shape
        self.n = x.shape[0]
        return x.sum(axis=0).reshape(1, -1)

    def backward(self, dy):
        return np.ones(self.shape) * dy
