# correct: cuts the shuffled data into an (iterations, B, ...) stack with reshape, a float64 sum of the losses
def train(model, optimizer, x, t, max_epoch=300, batch_size=30):
    iterations = len(x) // batch_size
    used = iterations * batch_size
    history = []
    for _ in range(max_epoch):
        order = np.random.permutation(len(x))[:used]
        xs = x[order].reshape((iterations, batch_size) + x.shape[1:])
        ts = t[order].reshape((iterations, batch_size) + t.shape[1:])
        losses = np.empty(iterations)
        for k, (batch_x, batch_t) in enumerate(zip(xs, ts)):
            losses[k] = model.forward(batch_x, batch_t)
            model.backward()
            optimizer.update(model.params, model.grads)
        history.append(float(losses.sum() / iterations))
    return history
