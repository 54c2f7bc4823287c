# wrong: copy-paste slip, both gradients use y
class Mul:
    def __init__(self):
        self.params, self.grads = [], []
        self.x, self.y = None, None

    def forward(self, x, y):
        self.x, self.y = x, y
        return x * y

    def backward(self, dout):
        dx = dout * self.y
        dy = dout * self.y
        return dx, dy
