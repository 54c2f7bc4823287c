# wrong: passes the raw scores to cross_entropy_error, forgetting softmax
class SoftmaxWithLoss:
    def __init__(self):
        self.params = []

    def forward(self, x, t):
        return cross_entropy_error(x, t)
