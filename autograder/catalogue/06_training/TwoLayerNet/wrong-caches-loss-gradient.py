# wrong: computes the loss layer's gradient once and reuses it in every later backward
class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size):
        I, H, O = input_size, hidden_size, output_size
        W1 = 0.01 * np.random.randn(I, H)
        b1 = np.zeros(H)
        W2 = 0.01 * np.random.randn(H, O)
        b2 = np.zeros(O)
        self.layers = [Affine(W1, b1), Sigmoid(), Affine(W2, b2)]
        self.loss_layer = SoftmaxWithLoss()
        self.params, self.grads = [], []
        for layer in self.layers:
            self.params += layer.params
            self.grads += layer.grads

    def predict(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def forward(self, x, t):
        score = self.predict(x)
        return self.loss_layer.forward(score, t)

    def backward(self, dout=1):
        if getattr(self, 'dscore', None) is None:
            self.dscore = self.loss_layer.backward(dout)
        dout = self.dscore
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return dout
