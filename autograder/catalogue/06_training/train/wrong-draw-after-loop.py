# wrong: after the last epoch, prints a random training sample to look at, one draw the caller did not ask for
def train(model, optimizer, x, t, max_epoch=300, batch_size=30):
    data_size = len(x)
    max_iters = data_size // batch_size
    loss_list = []
    for epoch in range(max_epoch):
        idx = np.random.permutation(data_size)
        x = x[idx]
        t = t[idx]
        total_loss = 0.0
        for iters in range(max_iters):
            batch_x = x[iters * batch_size:(iters + 1) * batch_size]
            batch_t = t[iters * batch_size:(iters + 1) * batch_size]
            loss = model.forward(batch_x, batch_t)
            model.backward()
            optimizer.update(model.params, model.grads)
            total_loss += loss
        loss_list.append(float(total_loss / max_iters))
    k = np.random.randint(data_size)
    print("a training sample:", x[k], "label", t[k])
    return loss_list
