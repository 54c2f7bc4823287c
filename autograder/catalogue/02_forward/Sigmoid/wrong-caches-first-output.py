# wrong: computes the output on the first call only and returns it again on every later call
class Sigmoid:
    def __init__(self):
        self.params = []
        self.out = None

    def forward(self, x):
        if self.out is None:
            self.out = sigmoid(x)
        return self.out
