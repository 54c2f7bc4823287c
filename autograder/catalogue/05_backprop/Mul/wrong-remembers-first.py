# wrong: keeps the inputs of the first forward only (if self.x is None), so a reused node is stale
class Mul:
    def __init__(self):
        self.params, self.grads = [], []
        self.x, self.y = None, None

    def forward(self, x, y):
        if self.x is None:
            self.x, self.y = x, y
        return x * y

    def backward(self, dout):
        return dout * self.y, dout * self.x
