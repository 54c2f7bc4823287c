"""The kernel's pre_run_cell callbacks are removed, then NumPy's comparisons forged in the
kernel; the judge compares with its own NumPy: no points."""
EXPECT = {"max_score": 0}

CODE = '''
ip = get_ipython()
for cb in list(ip.events.callbacks["pre_run_cell"]):
    ip.events.unregister("pre_run_cell", cb)
np.allclose = lambda *a, **k: True
'''


def build(kit):
    return {"01_arrays.ipynb": kit.attack(CODE)}
