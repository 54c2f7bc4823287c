# correct: functools.reduce with np.add (new arrays, inputs unchanged)
class Branch:
    def __init__(self, n):
        self.params, self.grads = [], []
        self.n = n

    def forward(self, x):
        return [x.copy() for _ in range(self.n)]

    def backward(self, douts):
        import functools
        return functools.reduce(np.add, douts)
