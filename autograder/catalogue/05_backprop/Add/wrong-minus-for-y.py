# wrong: sends -dout to y, as if the node computed x - y
class Add:
    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x, y):
        return x + y

    def backward(self, dout):
        return dout, -dout
