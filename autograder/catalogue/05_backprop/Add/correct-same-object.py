# correct: passes the very same upstream array to both inputs
class Add:
    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x, y):
        return x + y

    def backward(self, dout):
        return dout, dout
