"""run_cell is replaced so that every cell "succeeds" without running (obfuscated: no
`run_cell` in the source). Test cells do not run in the kernel: no points."""
EXPECT = {"max_score": 0}

CODE = '''
ip = getattr(__import__("IPython"), "get_" + "ipython")()
name = "run" + "_cell"
original = getattr(ip, name)
def fake(raw_cell, *args, **kwargs):
    return original("None", *args, **kwargs)
setattr(ip, name, fake)
'''


def build(kit):
    return {"01_arrays.ipynb": kit.attack(CODE)}
