# wrong: the layers list is declared on the class and each network appends to it, so every later network runs all layers built so far
class TwoLayerNet:
    layers = []

    def __init__(self, input_size, hidden_size, output_size):
        I, H, O = input_size, hidden_size, output_size
        W1 = np.random.randn(I, H)
        b1 = np.random.randn(H)
        W2 = np.random.randn(H, O)
        b2 = np.random.randn(O)
        self.layers.append(Affine(W1, b1))
        self.layers.append(Sigmoid())
        self.layers.append(Affine(W2, b2))
        self.params = []
        for layer in self.layers:
            self.params += layer.params

    def predict(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x
