# wrong: params is the tuple (W, b), not a list
class Affine:
    def __init__(self, W, b):
        self.params = (W, b)

    def forward(self, x):
        W, b = self.params
        return np.dot(x, W) + b
