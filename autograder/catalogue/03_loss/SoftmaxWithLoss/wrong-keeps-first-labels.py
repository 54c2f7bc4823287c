# wrong: keeps the labels of the first forward (if self.t is None), so later batches use stale labels
class SoftmaxWithLoss:
    def __init__(self):
        self.params = []
        self.y = None
        self.t = None

    def forward(self, x, t):
        if self.t is None:
            self.t = t
        self.y = softmax(x)
        return cross_entropy_error(self.y, self.t)
