# wrong: remembers the width D of the first forward only and sums the rows into zeros of that width
class Repeat:
    def __init__(self, n):
        self.params, self.grads = [], []
        self.n = n
        self.D = None

    def forward(self, x):
        if self.D is None:
            self.D = x.shape[1]
        return np.repeat(x, self.n, axis=0)

    def backward(self, dy):
        dx = np.zeros((1, self.D))
        for row in dy:
            dx = dx + row
        return dx
