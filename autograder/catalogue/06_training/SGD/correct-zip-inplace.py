# correct: zip over the lists, -= on the loop variable (an in-place operator on the same array)
class SGD:
    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        for param, grad in zip(params, grads):
            param -= self.lr * grad
