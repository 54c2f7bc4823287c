# wrong: backward returns the local derivatives (ones) and forgets to multiply by dout
class Add:
    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x, y):
        return x + y

    def backward(self, dout):
        return np.ones_like(dout), np.ones_like(dout)
