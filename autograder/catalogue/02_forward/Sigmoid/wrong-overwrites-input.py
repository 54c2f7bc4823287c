# wrong: writes the result into x (x[...] = sigmoid(x)), so the caller's array is overwritten
class Sigmoid:
    def __init__(self):
        self.params = []

    def forward(self, x):
        x[...] = sigmoid(x)
        return x
