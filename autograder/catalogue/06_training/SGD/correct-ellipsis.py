# correct: slice assignment p[...] = ... into the existing array
class SGD:
    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        for p, g in zip(params, grads):
            p[...] = p - self.lr * g
