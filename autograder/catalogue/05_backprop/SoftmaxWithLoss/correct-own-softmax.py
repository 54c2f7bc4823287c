# correct: own log-sum-exp softmax and loss, labels via np.where
class SoftmaxWithLoss:
    def __init__(self):
        self.params, self.grads = [], []
        self.y = None
        self.t = None

    def forward(self, x, t):
        shifted = x - x.max(axis=1, keepdims=True)
        self.y = np.exp(shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True)))
        self.labels = t.argmax(axis=1) if t.ndim == 2 else t
        N = x.shape[0]
        return float(-np.mean(np.log(self.y[np.arange(N), self.labels] + 1e-7)))

    def backward(self, dout=1):
        N, C = self.y.shape
        onehot = np.where(np.arange(C)[np.newaxis, :] == self.labels[:, np.newaxis], 1.0, 0.0)
        return (self.y - onehot) * (dout / N)
