# correct: predict runs the layers; the parameters are listed once, from the layers, by index
class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size):
        I, H, O = input_size, hidden_size, output_size
        W1 = np.random.randn(I, H)
        b1 = np.random.randn(H)
        W2 = np.random.randn(H, O)
        b2 = np.random.randn(O)
        self.layers = [Affine(W1, b1), Sigmoid(), Affine(W2, b2)]
        self.params = [self.layers[0].params[0], self.layers[0].params[1],
                       self.layers[2].params[0], self.layers[2].params[1]]

    def predict(self, x):
        h = self.layers[0].forward(x)
        a = self.layers[1].forward(h)
        return self.layers[2].forward(a)
