# wrong: keeps the inputs on the class, so two Mul nodes overwrite each other's inputs
class Mul:
    x, y = None, None

    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x, y):
        Mul.x, Mul.y = x, y
        return x * y

    def backward(self, dout):
        return dout * Mul.y, dout * Mul.x
