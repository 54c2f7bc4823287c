# correct: explicit loops over the rows
class Repeat:
    def __init__(self, n):
        self.params, self.grads = [], []
        self.n = n

    def forward(self, x):
        return np.vstack([x for _ in range(self.n)])

    def backward(self, dy):
        dx = np.zeros((1, dy.shape[1]))
        for row in dy:
            dx[0] += row
        return dx
