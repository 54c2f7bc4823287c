# wrong: forward returns x itself rather than a list of n copies
class Branch:
    def __init__(self, n):
        self.params, self.grads = [], []
        self.n = n

    def forward(self, x):
        return x

    def backward(self, douts):
        return sum(douts)
