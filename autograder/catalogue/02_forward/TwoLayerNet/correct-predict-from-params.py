# correct: predict computes straight from the parameter arrays; params built by slicing
class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size):
        I, H, O = input_size, hidden_size, output_size
        W1 = np.random.randn(I, H)
        b1 = np.random.randn(H)
        W2 = np.random.randn(H, O)
        b2 = np.random.randn(O)
        self.layers = [Affine(W1, b1), Sigmoid(), Affine(W2, b2)]
        self.params = self.layers[0].params[:] + self.layers[2].params[:]

    def predict(self, x):
        W1, b1, W2, b2 = self.params
        return sigmoid(np.dot(x, W1) + b1) @ W2 + b2
