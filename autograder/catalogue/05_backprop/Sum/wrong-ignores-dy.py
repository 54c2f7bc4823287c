# wrong: backward returns ones, forgetting the upstream gradient
class Sum:
    def __init__(self):
        self.params, self.grads = [], []
        self.n = None

    def forward(self, x):
        self.n = x.shape[0]
        return np.sum(x, axis=0, keepdims=True)

    def backward(self, dy):
        return np.ones((self.n, dy.shape[1]))
