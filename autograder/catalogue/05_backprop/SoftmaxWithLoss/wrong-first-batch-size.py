# wrong: remembers the batch size N of the first forward only and divides by it ever after
class SoftmaxWithLoss:
    def __init__(self):
        self.params, self.grads = [], []
        self.y = None
        self.t = None
        self.N = None

    def forward(self, x, t):
        self.t = t
        self.y = softmax(x)
        if self.t.size == self.y.size:
            self.t = self.t.argmax(axis=1)
        if self.N is None:
            self.N = x.shape[0]
        return cross_entropy_error(self.y, self.t)

    def backward(self, dout=1):
        dx = self.y.copy()
        dx[np.arange(len(self.t)), self.t] -= 1
        return dout * dx / self.N
