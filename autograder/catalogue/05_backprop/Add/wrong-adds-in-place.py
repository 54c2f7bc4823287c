# wrong: adds y into the caller's x in place (x += y) and returns it
class Add:
    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x, y):
        x += y
        return x

    def backward(self, dout):
        return dout, dout
