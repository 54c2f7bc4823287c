# wrong: remembers N of the first forward only, so a reused node copies dy into the wrong number of rows
class Sum:
    def __init__(self):
        self.params, self.grads = [], []
        self.n = None

    def forward(self, x):
        if self.n is None:
            self.n = x.shape[0]
        return np.sum(x, axis=0, keepdims=True)

    def backward(self, dy):
        return np.repeat(dy, self.n, axis=0)
