# correct: keeps copies of the inputs and uses np.multiply
class Mul:
    def __init__(self):
        self.params, self.grads = [], []
        self.x, self.y = None, None

    def forward(self, x, y):
        self.x, self.y = x.copy(), y.copy()
        return np.multiply(x, y)

    def backward(self, dout):
        return np.multiply(dout, self.y), np.multiply(dout, self.x)
