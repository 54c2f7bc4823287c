# correct: steps through range(0, N, B) and stops at the short last minibatch
def train(model, optimizer, x, t, max_epoch=300, batch_size=30):
    data_size = len(x)
    max_iters = data_size // batch_size
    loss_list = []
    for epoch in range(max_epoch):
        idx = np.random.permutation(data_size)
        x = x[idx]
        t = t[idx]
        total_loss, loss_count = 0, 0
        for start in range(0, data_size, batch_size):
            if start + batch_size > data_size:
                break
            batch_x = x[start:start + batch_size]
            batch_t = t[start:start + batch_size]
            loss = model.forward(batch_x, batch_t)
            model.backward()
            optimizer.update(model.params, model.grads)
            total_loss += loss
            loss_count += 1
        loss_list.append(total_loss / loss_count)
    return loss_list
