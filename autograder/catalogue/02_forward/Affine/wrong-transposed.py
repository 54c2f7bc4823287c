# wrong: multiplies by W.T instead of W
class Affine:
    def __init__(self, W, b):
        self.params = [W, b]

    def forward(self, x):
        W, b = self.params
        return x @ W.T + b
