# wrong: applies y(1 - y) to the saved input x instead of the saved output
class Sigmoid:
    def __init__(self):
        self.params, self.grads = [], []
        self.out = None

    def forward(self, x):
        self.x = x
        return 1 / (1 + np.exp(-x))

    def backward(self, dout):
        return dout * (1.0 - self.x) * self.x
