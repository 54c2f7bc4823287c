# wrong: sign error in the exponent, computes 1 / (1 + exp(x)) = sigmoid(-x)
def sigmoid(x):
    return 1 / (1 + np.exp(x))
