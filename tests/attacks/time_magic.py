"""Callbacks registered on a %time line (magic lines escape a static reading of the cell):
after every cell they clear its error. Test cells' outputs are the judge's: no points."""
EXPECT = {"max_score": 0}

CODE = '''%time get_ipython().events.register("post_run_cell", lambda result: setattr(result, "error_in_exec", None))

def dot(x, y):
    return 0.0
'''


def build(kit):
    return {"01_arrays.ipynb": kit.attack(CODE)}
