# correct: np.multiply into a temporary, then an in-place -= on each array (0-d arrays included)
class SGD:
    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        for p, g in zip(params, grads):
            step = np.multiply(self.lr, g)
            p -= step
