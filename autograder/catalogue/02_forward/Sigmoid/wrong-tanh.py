# wrong: uses tanh as the activation instead of the sigmoid
class Sigmoid:
    def __init__(self):
        self.params = []

    def forward(self, x):
        return np.tanh(x)
