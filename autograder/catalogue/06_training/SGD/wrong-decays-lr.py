# wrong: shrinks its learning rate after every update (a decay schedule the contract does not ask for)
class SGD:
    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        for i in range(len(params)):
            params[i] -= self.lr * grads[i]
        self.lr *= 0.9
