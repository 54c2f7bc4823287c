# wrong: keeps x of the first forward only (if self.x is None), so dW of every later batch is stale
class MatMul:
    def __init__(self, W):
        self.params = [W]
        self.grads = [np.zeros_like(W)]
        self.x = None

    def forward(self, x):
        W, = self.params
        if self.x is None:
            self.x = x
        return np.dot(x, W)

    def backward(self, dout):
        W, = self.params
        dx = np.dot(dout, W.T)
        self.grads[0][...] = np.dot(self.x.T, dout)
        return dx
