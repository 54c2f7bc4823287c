# wrong: recomputes the probabilities only when the batch shape changes, so a new batch of the same shape reuses the old scores' probabilities
class SoftmaxWithLoss:
    def __init__(self):
        self.params = []
        self.y = None
        self.t = None

    def forward(self, x, t):
        if self.y is None or self.y.shape != x.shape:
            self.y = softmax(x)
        self.t = t
        return cross_entropy_error(self.y, self.t)
