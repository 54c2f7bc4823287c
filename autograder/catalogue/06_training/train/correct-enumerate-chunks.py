# correct: indexes the original arrays with slices of one permutation per epoch (no shuffled copies), the mean of a list of losses
def train(model, optimizer, x, t, max_epoch=300, batch_size=30):
    n = len(x)
    starts = list(range(0, n - batch_size + 1, batch_size))
    history = []
    for _ in range(max_epoch):
        order = np.random.permutation(n)
        losses = []
        for s in starts:
            rows = order[s:s + batch_size]
            losses.append(model.forward(x[rows], t[rows]))
            model.backward()
            optimizer.update(model.params, model.grads)
        history.append(float(sum(losses) / len(losses)))
    return history
