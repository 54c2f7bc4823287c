# correct: sigma(x) = (1 + tanh(x/2)) / 2, so sigma' = (1 - tanh(x/2)**2) / 4
def sigmoid_grad(x):
    t = np.tanh(x / 2)
    return 0.25 * (1 - t ** 2)
