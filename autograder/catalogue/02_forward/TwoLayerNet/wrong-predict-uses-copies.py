# wrong: predict computes with copies of the weights taken in __init__, so in-place updates are ignored
class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size):
        I, H, O = input_size, hidden_size, output_size
        W1 = np.random.randn(I, H)
        b1 = np.random.randn(H)
        W2 = np.random.randn(H, O)
        b2 = np.random.randn(O)
        self.layers = [Affine(W1, b1), Sigmoid(), Affine(W2, b2)]
        self.params = [W1, b1, W2, b2]
        self.weights = [p.copy() for p in self.params]

    def predict(self, x):
        W1, b1, W2, b2 = self.weights
        return sigmoid(x @ W1 + b1) @ W2 + b2
