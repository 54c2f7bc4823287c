# wrong: rebinds the list entries to new arrays; the layers keep their old weights
class SGD:
    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        for i in range(len(params)):
            params[i] = params[i] - self.lr * grads[i]
