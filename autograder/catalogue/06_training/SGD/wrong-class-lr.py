# wrong: stores the learning rate on the class (SGD.lr = lr), so the newest optimizer's rate is every optimizer's
class SGD:
    lr = 0.01

    def __init__(self, lr=0.01):
        SGD.lr = lr

    def update(self, params, grads):
        for i in range(len(params)):
            params[i] -= self.lr * grads[i]
