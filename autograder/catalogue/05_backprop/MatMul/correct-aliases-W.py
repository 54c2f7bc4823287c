# correct: keeps a second name for the very same W (no copy), so in-place updates are seen
class MatMul:
    def __init__(self, W):
        self.params = [W]
        self.grads = [np.zeros_like(W)]
        self.x = None
        self.W = W

    def forward(self, x):
        self.x = x
        return self.x @ self.W

    def backward(self, dout):
        dW = self.grads[0]
        dW[:, :] = self.x.T @ dout
        return dout @ self.W.T
