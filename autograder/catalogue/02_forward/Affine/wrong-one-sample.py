# wrong: written for a single sample: sums over the whole batch and returns shape (D_out,)
class Affine:
    def __init__(self, W, b):
        self.params = [W, b]

    def forward(self, x):
        W, b = self.params
        out = np.zeros(W.shape[1])
        for j in range(W.shape[1]):
            out[j] = np.sum(x * W[:, j]) + b[j]
        return out
