# correct: np.random.normal (same legacy draws as randn), named layers, comprehension for params
class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size):
        I, H, O = input_size, hidden_size, output_size
        W1 = np.random.normal(0.0, 1.0, size=(I, H))
        b1 = np.random.normal(size=H)
        W2 = np.random.standard_normal((H, O))
        b2 = np.random.randn(O)
        self.affine1, self.sigmoid, self.affine2 = Affine(W1, b1), Sigmoid(), Affine(W2, b2)
        self.layers = [self.affine1, self.sigmoid, self.affine2]
        self.params = [p for layer in self.layers for p in layer.params]

    def predict(self, x):
        h = self.affine1.forward(x)
        a = self.sigmoid.forward(h)
        return self.affine2.forward(a)
