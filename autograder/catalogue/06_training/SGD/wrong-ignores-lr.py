# wrong: update uses a hard-coded step 0.01 instead of the learning rate it was given
class SGD:
    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        for i in range(len(params)):
            params[i] -= 0.01 * grads[i]
