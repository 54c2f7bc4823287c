# correct: computes the book's formula itself (a plain overflow warning, no NaN); params from list(())
class Sigmoid:
    def __init__(self):
        self.params = list(())

    def forward(self, x):
        return 1 / (1 + np.exp(-x))
