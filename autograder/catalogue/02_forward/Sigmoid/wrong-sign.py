# wrong: forward re-implements the formula with a sign error instead of calling sigmoid
class Sigmoid:
    def __init__(self):
        self.params = []

    def forward(self, x):
        return 1 / (1 + np.exp(x))
