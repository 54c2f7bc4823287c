# wrong: returns the first row of dy only (no sum over the copies)
class Repeat:
    def __init__(self, n):
        self.params, self.grads = [], []
        self.n = n

    def forward(self, x):
        return np.repeat(x, self.n, axis=0)

    def backward(self, dy):
        return dy[:1]
