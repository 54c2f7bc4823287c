# wrong: a new np.random.default_rng() instead of np.random.randn
class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size):
        I, H, O = input_size, hidden_size, output_size
        rng = np.random.default_rng()
        W1 = rng.standard_normal((I, H))
        b1 = rng.standard_normal(H)
        W2 = rng.standard_normal((H, O))
        b2 = rng.standard_normal(O)
        self.layers = [Affine(W1, b1), Sigmoid(), Affine(W2, b2)]
        self.params = []
        for layer in self.layers:
            self.params += layer.params

    def predict(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x
