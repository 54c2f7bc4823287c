# wrong: reshapes the bias into a column, so it is broadcast down the rows, not along them
class Affine:
    def __init__(self, W, b):
        self.params = [W, b]

    def forward(self, x):
        W, b = self.params
        return np.dot(x, W) + b.reshape(-1, 1)
