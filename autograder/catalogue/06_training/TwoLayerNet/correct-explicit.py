# correct: explicit calls layer by layer, np.random.normal(0, 0.01, ...) and comprehensions
class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size):
        I, H, O = input_size, hidden_size, output_size
        self.affine1 = Affine(np.random.normal(0.0, 0.01, size=(I, H)), np.zeros(H))
        self.sigmoid = Sigmoid()
        self.affine2 = Affine(np.random.normal(0.0, 0.01, size=(H, O)), np.zeros(O))
        self.layers = [self.affine1, self.sigmoid, self.affine2]
        self.loss_layer = SoftmaxWithLoss()
        self.params = [p for layer in self.layers for p in layer.params]
        self.grads = [g for layer in self.layers for g in layer.grads]

    def predict(self, x):
        return self.affine2.forward(self.sigmoid.forward(self.affine1.forward(x)))

    def forward(self, x, t):
        return self.loss_layer.forward(self.predict(x), t)

    def backward(self, dout=1):
        d = self.loss_layer.backward(dout=dout)
        d = self.affine2.backward(d)
        d = self.sigmoid.backward(d)
        return self.affine1.backward(d)
