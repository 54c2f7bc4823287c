# correct: einsum everywhere, np.copyto for the in-place write
class MatMul:
    def __init__(self, W):
        self.params = [W]
        self.grads = [np.zeros_like(W)]
        self.x = None

    def forward(self, x):
        self.x = x
        return np.einsum('nd,dh->nh', x, self.params[0])

    def backward(self, dout):
        W = self.params[0]
        dx = np.einsum("nh,dh->nd", dout, W)
        np.copyto(self.grads[0], np.einsum("nd,nh->dh", self.x, dout))
        return dx
