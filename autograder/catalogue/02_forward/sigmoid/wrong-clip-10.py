# wrong: clips the input to [-10, 10] against overflow, which distorts sigmoid for |x| > 10
def sigmoid(x):
    x = np.clip(x, -10, 10)
    return 1 / (1 + np.exp(-x))
