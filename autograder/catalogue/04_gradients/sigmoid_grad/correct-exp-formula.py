# correct: the chain rule's raw form exp(-x) / (1 + exp(-x))**2, vectorised
def sigmoid_grad(x):
    e = np.exp(-x)
    return e / (1 + e) ** 2
