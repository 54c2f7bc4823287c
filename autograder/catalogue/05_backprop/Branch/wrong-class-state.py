# wrong: stores the number of copies on the class, so the last Branch node built decides n for all of them
class Branch:
    n = 1

    def __init__(self, n):
        self.params, self.grads = [], []
        Branch.n = n

    def forward(self, x):
        return [x.copy() for _ in range(Branch.n)]

    def backward(self, douts):
        return np.sum(np.stack(douts), axis=0)
