# wrong: np.random.rand (uniform on [0, 1)) instead of np.random.randn
class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size):
        I, H, O = input_size, hidden_size, output_size
        W1 = np.random.rand(I, H)
        b1 = np.random.rand(H)
        W2 = np.random.rand(H, O)
        b2 = np.random.rand(O)
        self.layers = [Affine(W1, b1), Sigmoid(), Affine(W2, b2)]
        self.params = []
        for layer in self.layers:
            self.params += layer.params

    def predict(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x
