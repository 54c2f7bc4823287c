# correct: computes the sigmoid itself, stably, with np.where instead of calling sigmoid
class Sigmoid:
    def __init__(self):
        self.params = list()

    def forward(self, x):
        e = np.exp(-np.abs(x))
        return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
