# correct: one sample at a time, accumulating into zeroed grads
class Affine:
    def __init__(self, W, b):
        self.params = [W, b]
        self.grads = [np.zeros_like(W), np.zeros_like(b)]
        self.x = None

    def forward(self, x):
        self.x = x
        return np.array([row @ self.params[0] + self.params[1] for row in x])

    def backward(self, dout):
        W, b = self.params
        dW, db = self.grads
        dW[...] = 0.0
        db[...] = 0.0
        dx = np.empty_like(self.x)
        for n in range(self.x.shape[0]):
            dW += np.outer(self.x[n], dout[n])
            db += dout[n]
            dx[n] = W @ dout[n]
        return dx
