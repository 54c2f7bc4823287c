# wrong: stores the number of copies on the class, so the last Repeat node built decides n for all of them
class Repeat:
    n = 1

    def __init__(self, n):
        self.params, self.grads = [], []
        Repeat.n = n

    def forward(self, x):
        return np.repeat(x, Repeat.n, axis=0)

    def backward(self, dy):
        return np.sum(dy, axis=0, keepdims=True)
