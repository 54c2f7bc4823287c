# wrong: keeps the lists of its first update and steps those arrays ever after, whatever it is given
class SGD:
    def __init__(self, lr=0.01):
        self.lr = lr
        self.params = None

    def update(self, params, grads):
        if self.params is None:
            self.params = params
        for i in range(len(self.params)):
            self.params[i] -= self.lr * grads[i]
