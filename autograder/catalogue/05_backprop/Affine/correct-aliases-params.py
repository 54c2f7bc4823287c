# correct: keeps second names for the very same W and b (no copies) and writes with [:]
class Affine:
    def __init__(self, W, b):
        self.params = [W, b]
        self.grads = [np.zeros_like(W), np.zeros_like(b)]
        self.x = None
        self.W, self.b = W, b

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, dout):
        dW, db = self.grads
        dW[:] = self.x.T @ dout
        db[:] = dout.sum(axis=0)
        return dout @ self.W.T
