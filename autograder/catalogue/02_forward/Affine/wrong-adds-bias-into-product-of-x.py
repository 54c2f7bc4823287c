# wrong: accumulates into x when the shapes allow it (x += ...), overwriting the caller's input
class Affine:
    def __init__(self, W, b):
        self.params = [W, b]

    def forward(self, x):
        W, b = self.params
        out = np.dot(x, W)
        if out.shape == x.shape:
            x[...] = out
            x += b
            return x
        return out + b
