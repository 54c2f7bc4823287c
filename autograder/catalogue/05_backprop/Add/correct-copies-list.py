# correct: independent copies, returned as a list, with np.add in forward
class Add:
    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x, y):
        return np.add(x, y)

    def backward(self, dout):
        return [np.copy(dout), dout.copy()]
