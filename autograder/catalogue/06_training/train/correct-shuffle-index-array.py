# correct: shuffle an index array with np.random.shuffle (the same draws as permutation), range with a step
def train(model, optimizer, x, t, max_epoch=300, batch_size=30):
    n = len(x)
    usable = (n // batch_size) * batch_size
    result = []
    for epoch in range(max_epoch):
        idx = np.arange(n)
        np.random.shuffle(idx)
        xs, ts = x[idx], t[idx]
        total = 0.0
        count = 0
        for start in range(0, usable, batch_size):
            total += model.forward(xs[start:start + batch_size], ts[start:start + batch_size])
            model.backward(1)
            optimizer.update(model.params, model.grads)
            count += 1
        result.append(total / count)
    return result
