# correct: one row at a time
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
        N = self.y.shape[0]
        dx = np.empty_like(self.y)
        for n in range(N):
            row = self.y[n].copy()
            row[self.t[n]] -= 1.0
            dx[n] = row * dout / N
        return dx
