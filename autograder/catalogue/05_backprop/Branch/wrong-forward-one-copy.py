# wrong: forward returns a list holding one copy whatever n is
class Branch:
    def __init__(self, n):
        self.params, self.grads = [], []
        self.n = n

    def forward(self, x):
        return [x]

    def backward(self, douts):
        return sum(douts)
