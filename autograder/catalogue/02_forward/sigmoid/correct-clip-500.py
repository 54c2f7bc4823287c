# correct: clipping to [-500, 500] avoids the overflow warning and changes nothing visible
def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-np.clip(x, -500, 500)))
