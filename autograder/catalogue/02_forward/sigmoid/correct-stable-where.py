# correct: numerically stable, never overflows: exp(-|x|) with np.where
def sigmoid(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))
