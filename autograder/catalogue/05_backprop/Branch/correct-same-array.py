# correct: the list holds the same array n times; backward with sum()
class Branch:
    def __init__(self, n):
        self.params, self.grads = [], []
        self.n = n

    def forward(self, x):
        return [x] * self.n

    def backward(self, douts):
        return sum(douts)
