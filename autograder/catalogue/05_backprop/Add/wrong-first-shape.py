# wrong: remembers the shape of the first forward only and builds the gradients from it
class Add:
    def __init__(self):
        self.params, self.grads = [], []
        self.shape = None

    def forward(self, x, y):
        if self.shape is None:
            self.shape = x.shape
        return x + y

    def backward(self, dout):
        ones = np.ones(self.shape)
        return ones * dout, ones * dout
