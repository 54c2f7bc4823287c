# correct: einsum, np.copyto for the in-place writes
class Affine:
    def __init__(self, W, b):
        self.params = [W, b]
        self.grads = [np.zeros_like(W), np.zeros_like(b)]
        self.x = None

    def forward(self, x):
        self.x = x
        return np.einsum('nd,dh->nh', x, self.params[0]) + self.params[1]

    def backward(self, dout):
        W, b = self.params
        np.copyto(self.grads[0], np.einsum("nd,nh->dh", self.x, dout))
        np.copyto(self.grads[1], np.einsum("nh->h", dout))
        return np.einsum("nh,dh->nd", dout, W)
