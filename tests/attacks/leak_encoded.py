"""Tries to carry the hidden tests out in its outputs, encoded past any line matching: after
every cell it prints all the kernel has run as base64 and ROT13, draws it into a PNG's text
chunk, and raises an error whose message is the history reversed. The hidden tests never enter
the kernel, so there is nothing to carry: no hidden line in any of these forms is in the
graded notebook (``no_hidden_leak``), and no points."""
EXPECT = {"max_score": 0, "no_hidden_leak": True}

CODE = '''
import base64, codecs, zlib, struct
from IPython.display import Image, display

def _png(text):
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (b"\\x89PNG\\r\\n\\x1a\\n" + chunk(b"IHDR", header)
            + chunk(b"tEXt", b"history\\x00" + text.encode("latin1", "replace"))
            + chunk(b"IDAT", zlib.compress(b"\\x00\\x00")) + chunk(b"IEND", b""))

def _leak(result):
    history = "\\n".join(get_ipython().user_ns.get("In", []))
    print(base64.b64encode(history.encode()).decode())
    print(codecs.encode(history, "rot13"))
    display(Image(data=_png(history)))

get_ipython().events.register("post_run_cell", _leak)

def dot(x, y):
    history = "\\n".join(get_ipython().user_ns.get("In", []))
    raise RuntimeError(history[::-1])
'''


def build(kit):
    return {"01_arrays.ipynb": kit.attack(CODE)}
