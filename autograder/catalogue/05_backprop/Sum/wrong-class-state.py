# wrong: keeps the batch size on the class, so a second Sum node's forward changes how many rows the first copies
class Sum:
    n = None

    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x):
        Sum.n = x.shape[0]
        return np.sum(x, axis=0, keepdims=True)

    def backward(self, dy):
        return np.repeat(dy, Sum.n, axis=0)
