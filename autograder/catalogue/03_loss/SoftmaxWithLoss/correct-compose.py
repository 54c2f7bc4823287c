# correct: one line, composing the two functions
class SoftmaxWithLoss:
    def __init__(self):
        self.params = []

    def forward(self, x, t):
        return cross_entropy_error(softmax(x), t)
