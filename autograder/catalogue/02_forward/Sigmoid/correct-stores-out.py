# correct: keeps the output for a later backward pass and returns it
class Sigmoid:
    def __init__(self):
        self.params = []
        self.out = None

    def forward(self, x):
        self.out = sigmoid(x)
        return self.out
