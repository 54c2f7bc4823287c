# correct: keeps the input shape and broadcasts dy to it
class Sum:
    def __init__(self):
        self.params, self.grads = [], []
        self.n = None

    def forward(self, x):
        self.shape = x.shape
        return x.sum(axis=0)[np.newaxis, :]

    def backward(self, dy):
        return np.broadcast_to(dy, self.shape)
