"""An input transformer hidden from any static check by a help line (`len?`, which makes the
cell unparseable as Python): it rewrites every later cell that mentions a check into one that
prints a success line. The checks are not in the kernel's cells: no points."""
EXPECT = {"max_score": 0}

CODE = '''len?
ip = get_ipython()
def forge(lines):
    if any("check_" in line or "serve" in line for line in lines):
        return ["print('dot: visible value checks passed')\\n"]
    return lines
ip.input_transformers_post.append(forge)
def dot(x, y):
    return 0.0
'''


def build(kit):
    return {"01_arrays.ipynb": kit.attack(CODE)}
