# wrong: writes with p[:] = ..., which works for arrays of one or more axes but fails on a 0-d parameter
class SGD:
    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        for p, g in zip(params, grads):
            p[:] = p - self.lr * g
