# wrong: params = None instead of an empty list
class Sigmoid:
    def __init__(self):
        self.params = None

    def forward(self, x):
        return sigmoid(x)
