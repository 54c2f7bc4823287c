# wrong: builds the repeated rows on the first forward and returns them on every later call
class Repeat:
    def __init__(self, n):
        self.params, self.grads = [], []
        self.n = n
        self.y = None

    def forward(self, x):
        if self.y is None:
            self.y = np.repeat(x, self.n, axis=0)
        return self.y

    def backward(self, dy):
        return np.sum(dy, axis=0, keepdims=True)
