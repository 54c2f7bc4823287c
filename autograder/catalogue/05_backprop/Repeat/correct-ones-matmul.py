# correct: broadcasting forward, a row of ones times dy backward
class Repeat:
    def __init__(self, n):
        self.params, self.grads = [], []
        self.n = n

    def forward(self, x):
        return np.ones((self.n, 1)) * x

    def backward(self, dy):
        return np.ones((1, dy.shape[0])) @ dy
