# wrong: keeps its own copy of W (self.W = W.copy()), so SGD's in-place updates never reach it
class MatMul:
    def __init__(self, W):
        self.params = [W]
        self.grads = [np.zeros_like(W)]
        self.x = None
        self.W = W.copy()

    def forward(self, x):
        self.x = x
        return x @ self.W

    def backward(self, dout):
        self.grads[0][...] = self.x.T @ dout
        return dout @ self.W.T
