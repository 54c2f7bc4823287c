# wrong: replaces the whole grads list (self.grads = [dW]) instead of writing into its array
class MatMul:
    def __init__(self, W):
        self.params = [W]
        self.grads = [np.zeros_like(W)]
        self.x = None

    def forward(self, x):
        W, = self.params
        self.x = x
        return np.dot(x, W)

    def backward(self, dout):
        W, = self.params
        dx = np.dot(dout, W.T)
        self.grads = [np.dot(self.x.T, dout)]
        return dx
