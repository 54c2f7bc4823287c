# wrong: scales the gradients in place (grads *= lr), so the caller's grads change
class SGD:
    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        for p, g in zip(params, grads):
            g *= self.lr
            p -= g
