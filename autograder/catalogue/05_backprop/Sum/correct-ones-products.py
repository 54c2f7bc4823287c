# correct: a row of ones times x forward, a column of ones times dy backward
class Sum:
    def __init__(self):
        self.params, self.grads = [], []
        self.n = None

    def forward(self, x):
        self.n = len(x)
        return np.ones((1, x.shape[0])) @ x

    def backward(self, dy):
        return np.ones((self.n, 1)) * dy
