# wrong: returns updated copies instead of changing the arrays
class SGD:
    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        return [p - self.lr * g for p, g in zip(params, grads)]
