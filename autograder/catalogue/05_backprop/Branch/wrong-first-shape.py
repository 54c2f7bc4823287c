# wrong: remembers the shape of the first forward only and sums into zeros of that shape
class Branch:
    def __init__(self, n):
        self.params, self.grads = [], []
        self.n = n
        self.shape = None

    def forward(self, x):
        if self.shape is None:
            self.shape = x.shape
        return [x.copy() for _ in range(self.n)]

    def backward(self, douts):
        dx = np.zeros(self.shape)
        for dout in douts:
            dx = dx + dout
        return dx
