# wrong: sets b.shape = (1, D_out) to broadcast it, which changes the caller's b (and params[1])
class Affine:
    def __init__(self, W, b):
        self.params = [W, b]

    def forward(self, x):
        W, b = self.params
        b.shape = (1, b.size)
        return np.dot(x, W) + b
