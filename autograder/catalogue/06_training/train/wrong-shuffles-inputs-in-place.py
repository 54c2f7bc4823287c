# wrong: shuffles the caller's x and t in place (x[...] = x[perm]), so train changes the arrays it is given
def train(model, optimizer, x, t, max_epoch=300, batch_size=30):
    iters = len(x) // batch_size
    means = []
    for epoch in range(max_epoch):
        perm = np.random.permutation(len(x))
        x[...] = x[perm]
        t[...] = t[perm]
        epoch_losses = np.zeros(iters)
        for i in range(iters):
            sl = slice(i * batch_size, (i + 1) * batch_size)
            epoch_losses[i] = model.forward(x[sl], t[sl])
            model.backward()
            optimizer.update(model.params, model.grads)
        means.append(float(epoch_losses.mean()))
    return means
