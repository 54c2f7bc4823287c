"""The figures and the playground of 06_training (course/plots/training.py, course/widgets/training.py)."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course.datasets import load_spiral  # noqa: E402
from course.plots import training as plots  # noqa: E402
from course.widgets import training as widget  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _by_angle(points):
    """A stand-in for a trained network: the class is the sector of the point's angle."""
    angle = np.arctan2(points[:, 1], points[:, 0])
    sector = ((angle + np.pi) / (2 * np.pi / 3)).astype(int) % 3
    return np.eye(3)[sector] * 5.0


# ---- plots -----------------------------------------------------------------------------------

def test_plot_descent_paths_draws_one_line_per_path():
    paths = {"a": np.array([-2.0, -1.0, -0.5]), "b": np.array([-2.0, 2.0, -2.0])}
    fig = plots.plot_descent_paths(lambda w: w ** 2, paths)
    ax = fig.axes[0]
    labels = [line.get_label() for line in ax.get_lines()]
    assert "a" in labels and "b" in labels and "f(w)" in labels
    assert ax.get_xlim()[1] >= 2.0


def test_plot_spiral_one_scatter_per_class():
    x, t = load_spiral()
    fig = plots.plot_spiral(x, t)
    assert len(fig.axes[0].collections) == 3
    fig = plots.plot_spiral(x, t.argmax(axis=1))   # labels work too
    assert len(fig.axes[0].collections) == 3


def test_plot_loss_curve_plots_every_epoch():
    losses = [1.1, 0.8, 0.5, 0.3]
    fig = plots.plot_loss_curve(losses, label="run")
    (line,) = fig.axes[0].get_lines()
    assert list(line.get_xdata()) == [1, 2, 3, 4]
    assert np.allclose(line.get_ydata(), losses)
    assert fig.axes[0].get_xlabel() == "epoch"


def test_decision_grid_uses_predict_on_a_grid_covering_the_data():
    x, _ = load_spiral()
    calls = []

    def predict(points):
        calls.append(points.shape)
        return _by_angle(points)

    xx, yy, classes = plots.decision_grid(predict, x, resolution=30)
    assert calls == [(900, 2)]
    assert xx.shape == yy.shape == classes.shape == (30, 30)
    assert xx.min() < x[:, 0].min() and xx.max() > x[:, 0].max()
    assert set(np.unique(classes)) == {0, 1, 2}


def test_plot_decision_regions_and_training_result():
    x, t = load_spiral()
    fig = plots.plot_decision_regions(_by_angle, x, t, resolution=40)
    assert fig.axes[0].collections, "expected filled regions and the scatter"
    fig = plots.plot_training_result([1.0, 0.5, 0.2], _by_angle, x, t, suptitle="done")
    assert len(fig.axes) == 2


# ---- the playground ----------------------------------------------------------------------------

class FakeNet:
    """Remembers its construction; predicts by angle."""
    built = []

    def __init__(self, input_size, hidden_size, output_size):
        FakeNet.built.append((input_size, hidden_size, output_size))
        self.draw = float(np.random.rand())   # shows which seed was in force

    def predict(self, x):
        return _by_angle(x)


class FakeSGD:
    def __init__(self, lr=0.01):
        self.lr = lr


def make_fake_train(losses_per_epoch=None):
    calls = []

    def train(model, optimizer, x, t, max_epoch=300, batch_size=30):
        calls.append((max_epoch, batch_size, optimizer.lr))
        value = 1.0 / len(calls) if losses_per_epoch is None else losses_per_epoch
        return [value] * max_epoch

    train.calls = calls
    return train


def test_run_training_one_epoch_per_call_seeded_and_restores_state():
    x, t = load_spiral()
    train = make_fake_train()
    seen = []
    np.random.seed(123)
    before = np.random.get_state()[1].copy()
    model, losses = widget.run_training(FakeNet, FakeSGD, train, x, t, lr=0.5, hidden_size=7,
                                        epochs=5, batch_size=20, seed=3,
                                        on_epoch=lambda e, l: seen.append((e, len(l))))
    assert FakeNet.built[-1] == (2, 7, 3)
    assert train.calls == [(1, 20, 0.5)] * 5
    assert losses == [1.0, 0.5, 1 / 3, 0.25, 0.2]
    assert seen == [(1, 1), (2, 2), (3, 3), (4, 4), (5, 5)]
    assert np.array_equal(np.random.get_state()[1], before), "global random state not restored"
    np.random.seed(3)
    assert model.draw == np.random.rand(), "the model was not built right after seeding"


def _playground(*args, **kwargs):
    box = widget.training_playground(*args, **kwargs)
    return box, box.controls


def test_playground_trains_only_on_click_and_reports():
    x, t = load_spiral()
    train = make_fake_train()
    box, c = _playground(FakeNet, FakeSGD, train, x, t)
    c["lr"].value = 0.1
    c["hidden"].value = 4
    c["epochs"].value = 20
    assert train.calls == [], "moving the sliders must not train"
    c["button"].click()
    assert len(train.calls) == 20 and train.calls[0][2] == pytest.approx(0.1)
    assert FakeNet.built[-1] == (2, 4, 3)
    assert c["progress"].max == 20 and c["progress"].value == 20
    assert c["status"].value.startswith("done")
    assert not c["button"].disabled


def test_playground_not_ready_when_stubs_raise(capsys):
    x, t = load_spiral()

    class StubSGD:
        def __init__(self, lr=0.01):
            raise NotImplementedError()

    box, c = _playground(FakeNet, StubSGD, make_fake_train(), x, t)
    c["epochs"].value = 10
    c["button"].click()
    assert c["status"].value == "not ready"
    out = capsys.readouterr().out
    assert "Implement SGD, TwoLayerNet and train" in out and "StubSGD" in out
    assert not c["button"].disabled


def test_playground_survives_errors_and_divergence(capsys):
    x, t = load_spiral()

    def broken_train(model, optimizer, x, t, max_epoch=300, batch_size=30):
        raise ValueError("shapes do not match")

    box, c = _playground(FakeNet, FakeSGD, broken_train, x, t)
    c["epochs"].value = 10
    c["button"].click()
    assert c["status"].value == "failed"
    assert "ValueError: shapes do not match" in capsys.readouterr().out

    box, c = _playground(FakeNet, FakeSGD, make_fake_train(float("nan")), x, t)
    c["epochs"].value = 10
    c["button"].click()
    assert c["status"].value == "the loss blew up"
    assert "learning rate is too large" in capsys.readouterr().out
