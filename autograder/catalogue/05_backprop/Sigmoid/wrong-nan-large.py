# wrong: exp(x) / (1 + exp(x)) gives inf / inf = NaN for large x
class Sigmoid:
    def __init__(self):
        self.params, self.grads = [], []
        self.out = None

    def forward(self, x):
        out = np.exp(x) / (1 + np.exp(x))
        self.out = out
        return out

    def backward(self, dout):
        return dout * (1.0 - self.out) * self.out
