"""Floods within every cap that counts characters: after every cell it prints 990,000 NUL
characters (6 bytes each once written as JSON) and opens a widget holding a megabyte of text,
about 70 MB of widget state in all. Caps count bytes as they will be written, widget messages
included: the graded notebook stays small, the batch does not stall, no points."""
EXPECT = {"max_score": 0, "autograded_below": 40_000_000}

CODE = '''
import ipywidgets
from IPython.display import display

def _flood(result):
    print("\\x00" * 990_000)
    display(ipywidgets.Textarea(value="w" * (1 << 20)))

get_ipython().events.register("post_run_cell", _flood)

def dot(x, y):
    return 0.0
'''


def build(kit):
    return {"01_arrays.ipynb": kit.attack(CODE)}
