# correct: the @ operator, reading params by index
class Affine:
    def __init__(self, W, b):
        self.params = [W, b]

    def forward(self, x):
        return x @ self.params[0] + self.params[1]
