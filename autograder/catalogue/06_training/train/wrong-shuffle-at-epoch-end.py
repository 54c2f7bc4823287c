# wrong: shuffles before the loop and again at the end of every epoch, one permutation too many
def train(model, optimizer, x, t, max_epoch=300, batch_size=30):
    data_size = len(x)
    max_iters = data_size // batch_size
    loss_list = []
    idx = np.random.permutation(data_size)
    x = x[idx]
    t = t[idx]
    for epoch in range(max_epoch):
        total_loss, loss_count = 0, 0
        for iters in range(max_iters):
            batch_x = x[iters * batch_size:(iters + 1) * batch_size]
            batch_t = t[iters * batch_size:(iters + 1) * batch_size]
            loss = model.forward(batch_x, batch_t)
            model.backward()
            optimizer.update(model.params, model.grads)
            total_loss += loss
            loss_count += 1
        loss_list.append(total_loss / loss_count)
        idx = np.random.permutation(data_size)
        x = x[idx]
        t = t[idx]
    return loss_list
