# wrong: reuses the caller's dout as the memory for dy (dout *= x), changing dout
class Mul:
    def __init__(self):
        self.params, self.grads = [], []
        self.x, self.y = None, None

    def forward(self, x, y):
        self.x, self.y = x, y
        return x * y

    def backward(self, dout):
        dx = dout * self.y
        dout *= self.x
        return dx, dout
