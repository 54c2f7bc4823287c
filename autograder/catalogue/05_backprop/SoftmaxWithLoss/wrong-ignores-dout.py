# wrong: ignores the upstream gradient dout
class SoftmaxWithLoss:
    def __init__(self):
        self.params, self.grads = [], []
        self.y = None
        self.t = None

    def forward(self, x, t):
        self.t = t
        self.y = softmax(x)
        if self.t.size == self.y.size:
            self.t = self.t.argmax(axis=1)
        return cross_entropy_error(self.y, self.t)

    def backward(self, dout=1):
        N = self.t.shape[0]
        dx = self.y.copy()
        dx[np.arange(N), self.t] -= 1
        return dx / N
