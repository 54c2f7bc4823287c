# wrong: multiplies the caller's dout in place (dout *= ...) and returns it
class Sigmoid:
    def __init__(self):
        self.params, self.grads = [], []
        self.out = None

    def forward(self, x):
        self.out = 1 / (1 + np.exp(-x))
        return self.out

    def backward(self, dout):
        dout *= self.out * (1.0 - self.out)
        return dout
