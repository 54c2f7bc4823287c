# correct: predict folds the layers with functools.reduce; params via extend
class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size):
        I, H, O = input_size, hidden_size, output_size
        W1 = np.random.randn(I, H)
        b1 = np.random.randn(H)
        W2 = np.random.randn(H, O)
        b2 = np.random.randn(O)
        self.layers = [Affine(W1, b1), Sigmoid(), Affine(W2, b2)]
        self.params = []
        for layer in self.layers:
            self.params.extend(layer.params)

    def predict(self, x):
        import functools
        return functools.reduce(lambda out, layer: layer.forward(out), self.layers, x)
