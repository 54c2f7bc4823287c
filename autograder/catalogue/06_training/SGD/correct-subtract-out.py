# correct: np.subtract with out= writes into each array
class SGD:
    def __init__(self, lr=0.01):
        self.learning_rate = float(lr)

    def update(self, params, grads):
        for k, p in enumerate(params):
            np.subtract(p, self.learning_rate * grads[k], out=p)
