# wrong: adds every batch's loss to a running total kept on the layer and returns the total
class SoftmaxWithLoss:
    def __init__(self):
        self.params = []
        self.loss = 0.0

    def forward(self, x, t):
        self.loss += cross_entropy_error(softmax(x), t)
        return self.loss
