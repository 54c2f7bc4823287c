# correct: adds the negative step in place with +=, via enumerate
class SGD:
    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        for i, g in enumerate(grads):
            params[i] += -self.lr * g
