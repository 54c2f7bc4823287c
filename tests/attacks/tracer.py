"""A sys.settrace tracer, set from a cell indented by four spaces, that makes every function
named check_* return at once. The checks run in the judge: the tracer sees only the kernel's
own frames. No points."""
EXPECT = {"max_score": 0}

CODE = '''if True:
    import sys

    def tracer(frame, event, arg):
        if event == "call" and frame.f_code.co_name.startswith("check_"):
            frame.f_trace_lines = False
            raise StopIteration
        return tracer

    sys.settrace(tracer)

    def dot(x, y):
        return 0.0
'''


def build(kit):
    return {"01_arrays.ipynb": kit.attack(CODE)}
