# correct: index the original arrays with a fresh permutation each epoch; np.mean of the losses
def train(model, optimizer, x, t, max_epoch=300, batch_size=30):
    n = x.shape[0]
    history = []
    for _ in range(max_epoch):
        order = np.random.permutation(n)
        losses = []
        for k in range(n // batch_size):
            rows = order[k * batch_size:(k + 1) * batch_size]
            losses.append(model.forward(x[rows], t[rows]))
            model.backward()
            optimizer.update(model.params, model.grads)
        history.append(float(np.mean(losses)))
    return history
