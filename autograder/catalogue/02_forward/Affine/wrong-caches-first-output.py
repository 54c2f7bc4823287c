# wrong: keeps the output of the first forward and returns it for every later batch
class Affine:
    def __init__(self, W, b):
        self.params = [W, b]
        self.out = None

    def forward(self, x):
        if self.out is None:
            W, b = self.params
            self.out = np.dot(x, W) + b
        return self.out
