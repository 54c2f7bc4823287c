# correct: np.einsum, with the arrays also kept as attributes (the same objects)
class Affine:
    def __init__(self, W, b):
        self.W = W
        self.b = b
        self.params = [self.W, self.b]

    def forward(self, x):
        return np.einsum("ni,io->no", x, self.W) + self.b[np.newaxis, :]
