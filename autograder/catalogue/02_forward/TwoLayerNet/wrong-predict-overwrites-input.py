# wrong: "saves memory" by writing the scores into x when the shapes agree, overwriting the caller's x
class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size):
        I, H, O = input_size, hidden_size, output_size
        W1 = np.random.randn(I, H)
        b1 = np.random.randn(H)
        W2 = np.random.randn(H, O)
        b2 = np.random.randn(O)
        self.layers = [Affine(W1, b1), Sigmoid(), Affine(W2, b2)]
        self.params = [W1, b1, W2, b2]

    def predict(self, x):
        out = x
        for layer in self.layers:
            out = layer.forward(out)
        if out.shape == x.shape:
            x[...] = out
            return x
        return out
