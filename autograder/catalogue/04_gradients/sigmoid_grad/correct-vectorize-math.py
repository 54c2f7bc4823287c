# correct: math.exp one number at a time through np.vectorize, s - s**2
def sigmoid_grad(x):
    import math

    def one(v):
        if v < -700:
            return 0.0
        s = 1 / (1 + math.exp(-v))
        return s - s * s

    return np.vectorize(one, otypes=[float])(x)
