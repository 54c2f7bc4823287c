# wrong: keeps its own copy of b for forward, so an updated bias is never added
class Affine:
    def __init__(self, W, b):
        self.params = [W, b]
        self.grads = [np.zeros_like(W), np.zeros_like(b)]
        self.x = None
        self.b = b.copy()

    def forward(self, x):
        W, _ = self.params
        self.x = x
        return np.dot(x, W) + self.b

    def backward(self, dout):
        W, _ = self.params
        self.grads[0][...] = np.dot(self.x.T, dout)
        self.grads[1][...] = np.sum(dout, axis=0)
        return np.dot(dout, W.T)
