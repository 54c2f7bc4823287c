# wrong: adds in place into douts[0], changing the caller's array
class Branch:
    def __init__(self, n):
        self.params, self.grads = [], []
        self.n = n

    def forward(self, x):
        return [x.copy() for _ in range(self.n)]

    def backward(self, douts):
        dx = douts[0]
        for dout in douts[1:]:
            dx += dout
        return dx
