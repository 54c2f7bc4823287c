# correct: keeps x and recomputes the sigmoid with tanh in backward
class Sigmoid:
    def __init__(self):
        self.params, self.grads = [], []
        self.out = None

    def forward(self, x):
        self.x = x
        return 0.5 * (1 + np.tanh(x / 2))

    def backward(self, dout):
        s = 0.5 * (1 + np.tanh(self.x / 2))
        return dout * s * (1 - s)
