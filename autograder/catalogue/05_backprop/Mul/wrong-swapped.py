# wrong: does not swap the inputs (dx = dout * x, dy = dout * y)
class Mul:
    def __init__(self):
        self.params, self.grads = [], []
        self.x, self.y = None, None

    def forward(self, x, y):
        self.x, self.y = x, y
        return x * y

    def backward(self, dout):
        return dout * self.x, dout * self.y
