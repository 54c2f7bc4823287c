# correct: dy/dx = exp(-x) * y**2 with the saved output (finite, since y**2 vanishes first)
class Sigmoid:
    def __init__(self):
        self.params, self.grads = [], []
        self.out = None

    def forward(self, x):
        self.x = x
        self.out = 1 / (1 + np.exp(-x))
        return self.out

    def backward(self, dout):
        return dout * np.exp(-np.clip(self.x, -700, 700)) * self.out ** 2
