"""nbgrader's scoring rule: a test cell whose first output is a non-numeric execute_result
gets full points, whatever error follows. Wrong functions push 'ok' through sys.displayhook,
and an input transformer puts an 'ok' expression before every cell. A test cell's outputs are
the judge's, never the kernel's: no points."""
EXPECT = {"max_score": 0}

CODE = '''
import sys
get_ipython().input_transformers_post.append(lambda lines: ["'ok'\\n"] + lines)

def dot(x, y):
    sys.displayhook("ok")
    return 0.0
'''


def build(kit):
    return {"01_arrays.ipynb": kit.attack(CODE)}
