# wrong: uses D (dy.shape[1]) as the number of rows
class Sum:
    def __init__(self):
        self.params, self.grads = [], []
        self.n = None

    def forward(self, x):
        self.n = x.shape[0]
        return np.sum(x, axis=0, keepdims=True)

    def backward(self, dy):
        return np.repeat(dy, dy.shape[1], axis=0)
