"""The training playground and the weight-scale explorer of 06_training.

Choose a learning rate, a hidden size and a number of epochs, press *train*,
and watch a progress bar while the network learns the spiral; then see the
loss curve and the decision regions. Training runs only when the button is
pressed, never on a slider tick.

The playground trains with the student's own ``TwoLayerNet``, ``SGD`` and
``train`` (passed in as arguments), one epoch per call to ``train`` so the
progress bar can move; it contains no training code of its own.

The weight-scale explorer writes ``scale * randn`` into a fresh network's
weights (in place, through ``params``), runs one forward and backward pass of
the student's network and shows how saturated the hidden sigmoids are and how
large the gradients come out.
"""
from __future__ import annotations

import contextlib

import matplotlib.pyplot as plt
import numpy as np

from ..plots.training import plot_training_result, plot_weight_scale

NOT_READY = ("Implement SGD, TwoLayerNet and train above first: "
             "{name} still raises NotImplementedError.")


@contextlib.contextmanager
def _seeded(seed: int):
    """Seed NumPy's global generator for the block, then restore its state."""
    state = np.random.get_state()
    np.random.seed(seed)
    try:
        yield
    finally:
        np.random.set_state(state)


def run_training(TwoLayerNet, SGD, train, x, t, lr=1.0, hidden_size=10, epochs=300,
                 batch_size=30, seed=3, on_epoch=None):
    """Build ``TwoLayerNet(D, hidden_size, C)`` and ``SGD(lr)`` and train them.

    Calls ``train(model, optimizer, x, t, 1, batch_size)`` once per epoch and,
    after each, ``on_epoch(epoch, losses)`` if given. NumPy's global random
    state is seeded with ``seed`` for the run and restored afterwards, so the
    same settings give the same result. Returns ``(model, losses)``, one loss
    per epoch. Exceptions of the student's code (NotImplementedError too)
    propagate to the caller.
    """
    losses: list[float] = []
    with _seeded(seed), np.errstate(all="ignore"):
        model = TwoLayerNet(x.shape[1], hidden_size, t.shape[1])
        optimizer = SGD(lr)
        for epoch in range(1, epochs + 1):
            losses.extend(float(v) for v in train(model, optimizer, x, t, 1, batch_size))
            if on_epoch is not None:
                on_epoch(epoch, losses)
    return model, losses


def _name_of(error: NotImplementedError) -> str:
    """The function that raised, from the innermost frame of the traceback."""
    tb = error.__traceback__
    while tb.tb_next is not None:
        tb = tb.tb_next
    code = tb.tb_frame.f_code
    return getattr(code, "co_qualname", code.co_name)


def training_playground(TwoLayerNet, SGD, train, x, t, seed=3, batch_size=30):
    """Show the playground; returns its ``VBox`` (``box.controls`` holds the controls).

    Parameters
    ----------
    TwoLayerNet, SGD, train : the student's class, class and function
    x : ndarray, shape (N, 2); t : ndarray, shape (N, C), one-hot
    """
    import ipywidgets as widgets
    from IPython.display import display

    lr = widgets.FloatLogSlider(value=1.0, base=10, min=-2, max=1.3, step=0.1,
                                description="learning rate", readout_format=".3g",
                                style={"description_width": "initial"})
    hidden = widgets.IntSlider(value=10, min=1, max=50, description="hidden size",
                               style={"description_width": "initial"})
    epochs = widgets.IntSlider(value=300, min=10, max=1000, step=10, description="epochs",
                               style={"description_width": "initial"})
    button = widgets.Button(description="train", button_style="primary", icon="play")
    progress = widgets.IntProgress(value=0, min=0, max=epochs.value, description="progress")
    status = widgets.Label(value="press train to start")
    out = widgets.Output()

    def on_epoch(epoch, losses):
        # A comm message per epoch is cheap, but a hundred updates are plenty.
        if epoch == progress.max or epoch % max(1, progress.max // 100) == 0:
            progress.value = epoch
            status.value = f"epoch {epoch}/{progress.max}, loss {losses[-1]:.4f}"

    def on_click(_=None):
        button.disabled = True
        progress.max = epochs.value
        progress.value = 0
        progress.bar_style = ""
        status.value = "training…"
        out.clear_output(wait=True)
        try:
            model, losses = run_training(TwoLayerNet, SGD, train, x, t, lr=lr.value,
                                         hidden_size=hidden.value, epochs=epochs.value,
                                         batch_size=batch_size, seed=seed, on_epoch=on_epoch)
        except NotImplementedError as error:
            status.value = "not ready"
            with out:
                print(NOT_READY.format(name=_name_of(error)))
            return
        except Exception as error:  # the student's code failed: say so, keep the widget alive
            status.value = "failed"
            progress.bar_style = "danger"
            with out:
                print(f"training failed with {type(error).__name__}: {error}")
            return
        finally:
            button.disabled = False
        with out:
            if not losses or not np.all(np.isfinite(losses)):
                progress.bar_style = "danger"
                status.value = "the loss blew up"
                print("The loss became infinite or NaN: the learning rate is too large.")
                return
            with np.errstate(all="ignore"):
                scores = model.predict(x)
                accuracy = float(np.mean(scores.argmax(axis=1) == t.argmax(axis=1)))
                fig = plot_training_result(
                    losses, model.predict, x, t,
                    suptitle=(f"lr {lr.value:.3g}, hidden {hidden.value}, {len(losses)} epochs: "
                              f"final loss {losses[-1]:.3f}, accuracy {accuracy:.1%}"))
            display(fig)
            plt.close(fig)
        progress.bar_style = "success"
        status.value = f"done: final loss {losses[-1]:.4f}, accuracy {accuracy:.1%}"

    button.on_click(on_click)
    box = widgets.VBox([widgets.HBox([lr, hidden, epochs]),
                        widgets.HBox([button, progress, status]), out])
    box.controls = dict(lr=lr, hidden=hidden, epochs=epochs, button=button,
                        progress=progress, status=status, out=out)
    display(box)
    return box


def weight_scale_statistics(TwoLayerNet, x, t, scale, hidden_size=10, seed=3):
    """One forward and backward pass of ``TwoLayerNet`` with weights ``scale * randn``.

    The network is built as usual, then its weights W1 and W2 (``params[0]``
    and ``params[2]``) are overwritten in place with ``scale`` times standard
    normal numbers from a private generator seeded with ``seed`` (NumPy's
    global state is left alone); the biases stay zero.

    Returns a dict: ``scale``; ``hidden`` (N, H), the sigmoid outputs;
    ``saturated``, the share of them below 0.05 or above 0.95; ``mean_slope``,
    the mean of σ′ = h (1 − h) (at most 0.25); ``loss``, the first loss; and
    ``grad_sizes``, the mean |gradient| of W1 and W2.
    """
    rng = np.random.RandomState(seed)
    with _seeded(seed), np.errstate(all="ignore"):
        net = TwoLayerNet(x.shape[1], hidden_size, t.shape[1])
        for W in (net.params[0], net.params[2]):
            W[...] = scale * rng.randn(*W.shape)
        loss = float(net.forward(x, t))
        net.backward()
    scores = x @ net.params[0] + net.params[1]
    with np.errstate(all="ignore"):
        hidden = 1 / (1 + np.exp(-scores))
    return dict(scale=float(scale), hidden=hidden, loss=loss,
                saturated=float(np.mean((hidden < 0.05) | (hidden > 0.95))),
                mean_slope=float(np.mean(hidden * (1 - hidden))),
                grad_sizes={"dW1": float(np.mean(np.abs(net.grads[0]))),
                            "dW2": float(np.mean(np.abs(net.grads[2])))})


def weight_scale_explorer(TwoLayerNet, datasets: dict, hidden_size=10, seed=3):
    """Slide the initial weight scale; see saturation, gradient sizes and the first loss.

    ``datasets`` maps a name to ``(x, t)``, x of shape (N, I), t one-hot (N, C).
    Returns the ``VBox`` (``box.controls`` holds the controls).
    """
    import ipywidgets as widgets
    from IPython.display import display

    scale = widgets.FloatLogSlider(value=0.01, base=10, min=-3, max=1, step=0.25,
                                   description="weight scale", readout_format=".3g",
                                   continuous_update=False,
                                   style={"description_width": "initial"})
    data = widgets.Dropdown(options=list(datasets), description="inputs")
    out = widgets.Output()

    def redraw(_=None):
        out.clear_output(wait=True)
        with out:
            x, t = datasets[data.value]
            try:
                stats = weight_scale_statistics(TwoLayerNet, x, t, scale.value,
                                                hidden_size=hidden_size, seed=seed)
            except NotImplementedError as error:
                print(f"Implement TwoLayerNet above first: {_name_of(error)} still raises "
                      "NotImplementedError.")
                return
            except Exception as error:  # the student's code failed: say so, keep the widget alive
                print(f"the network failed with {type(error).__name__}: {error}")
                return
            fig = plot_weight_scale(stats, title=f"{data.value}, weight scale {scale.value:.3g}")
            display(fig)
            plt.close(fig)

    scale.observe(redraw, names="value")
    data.observe(redraw, names="value")
    box = widgets.VBox([widgets.HBox([scale, data]), out])
    box.controls = dict(scale=scale, data=data, out=out)
    redraw()
    display(box)
    return box
