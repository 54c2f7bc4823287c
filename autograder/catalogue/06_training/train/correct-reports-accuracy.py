# correct: the book's loop that also prints the training accuracy with model.predict every 10 epochs
def train(model, optimizer, x, t, max_epoch=300, batch_size=30):
    data_size = len(x)
    max_iters = data_size // batch_size
    loss_list = []
    for epoch in range(max_epoch):
        idx = np.random.permutation(data_size)
        x = x[idx]
        t = t[idx]
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
        if epoch % 10 == 0:
            labels = t.argmax(axis=1) if t.ndim == 2 else t
            accuracy = np.mean(model.predict(x).argmax(axis=1) == labels)
            print(f'| epoch {epoch + 1} | loss {loss_list[-1]:.2f} | accuracy {accuracy:.2%}')
    return loss_list
