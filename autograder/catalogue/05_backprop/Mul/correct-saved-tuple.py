# correct: keeps the inputs as one tuple and returns a list
class Mul:
    def __init__(self):
        self.params, self.grads = [], []
        self.saved = None

    def forward(self, x, y):
        self.saved = (x, y)
        return x * y

    def backward(self, dout):
        x, y = self.saved
        return [y * dout, x * dout]
