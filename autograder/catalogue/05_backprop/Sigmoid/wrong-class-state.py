# wrong: keeps the output on the class, so backward of one Sigmoid layer uses the output of whichever layer ran forward last
class Sigmoid:
    out = None

    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x):
        Sigmoid.out = 1 / (1 + np.exp(-x))
        return Sigmoid.out

    def backward(self, dout):
        return dout * Sigmoid.out * (1 - Sigmoid.out)
