"""The tamper guard's pre_run_cell callbacks are removed, then NumPy's comparisons forged:
the unhooking and the patches are flagged."""
EXPECT = {"max_score": 0, "flags": ["uses .events", "modifies np.allclose"]}

CODE = '''
ip = get_ipython()
for cb in list(ip.events.callbacks["pre_run_cell"]):
    ip.events.unregister("pre_run_cell", cb)
np.allclose = lambda *a, **k: True
'''


def build(kit):
    return {"01_arrays.ipynb": kit.attack(CODE)}
