# wrong: negates x in place (x *= -1), so the caller's array changes
def sigmoid(x):
    x *= -1
    return 1 / (1 + np.exp(x))
