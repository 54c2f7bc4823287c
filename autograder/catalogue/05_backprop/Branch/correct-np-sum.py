# correct: stacked copies and np.sum over the stack
class Branch:
    def __init__(self, n):
        self.params, self.grads = [], []
        self.n = n

    def forward(self, x):
        return list(np.repeat(x[np.newaxis], self.n, axis=0))

    def backward(self, douts):
        return np.sum(np.stack(douts), axis=0)
