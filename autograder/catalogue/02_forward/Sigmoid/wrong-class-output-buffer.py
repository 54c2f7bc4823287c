# wrong: reuses one output buffer kept on the class, so every Sigmoid layer writes into the same array
class Sigmoid:
    out = None

    def __init__(self):
        self.params = []

    def forward(self, x):
        if Sigmoid.out is None or Sigmoid.out.shape != x.shape:
            Sigmoid.out = np.empty(x.shape)
        Sigmoid.out[...] = sigmoid(x)
        return Sigmoid.out
