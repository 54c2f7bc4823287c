# wrong: uses the Mul node's rule (each input gets dout times the other input)
class Add:
    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x, y):
        self.x, self.y = x, y
        return x + y

    def backward(self, dout):
        return dout * self.y, dout * self.x
