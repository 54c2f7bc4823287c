# correct: randn(...) * 0.01, list.extend, layers[::-1] and a float() loss
class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size):
        I, H, O = input_size, hidden_size, output_size
        W1 = np.random.randn(I, H) * 0.01
        W2 = np.random.randn(H, O) * 0.01
        self.layers = [Affine(W1, np.zeros(H)), Sigmoid(), Affine(W2, np.zeros(O))]
        self.loss_layer = SoftmaxWithLoss()
        self.params = []
        self.grads = []
        for layer in self.layers:
            self.params.extend(layer.params)
            self.grads.extend(layer.grads)

    def predict(self, x):
        out = x
        for layer in self.layers:
            out = layer.forward(out)
        return out

    def forward(self, x, t):
        return float(self.loss_layer.forward(self.predict(x), t))

    def backward(self, dout=1):
        grad = self.loss_layer.backward(dout)
        for layer in self.layers[::-1]:
            grad = layer.backward(grad)
        return grad
