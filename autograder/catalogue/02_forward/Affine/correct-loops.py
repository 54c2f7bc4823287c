# correct: explicit loops over samples, outputs and inputs
class Affine:
    def __init__(self, W, b):
        self.params = [W, b]

    def forward(self, x):
        W, b = self.params
        n, d_in = x.shape
        d_out = W.shape[1]
        out = np.zeros((n, d_out))
        for k in range(n):
            for j in range(d_out):
                total = b[j]
                for i in range(d_in):
                    total += x[k, i] * W[i, j]
                out[k, j] = total
        return out
