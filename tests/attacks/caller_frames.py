"""Every exercise reads the answer key from its caller: dot returns a float subclass whose
__float__ walks the stack to the check's frame and returns its ``expected``; matmul an ndarray
subclass whose ``shape`` copies ``expected`` into itself; broadcast_shape evaluates the next
check's third argument from the test cell's source. The tests run in the judge, another
process: no caller frame, no test source, no expected value is in this kernel. It earns what
its plain wrong answers earn (zeros have the right values for a matrix with no rows): 1 point."""
EXPECT = {"max_score": 1}

DOT = '''
def dot(x, y):
    import inspect

    class Answer(float):
        def __float__(self):
            for info in inspect.stack():
                if "expected" in info.frame.f_locals:
                    return float(info.frame.f_locals["expected"])
            return 0.0

    return Answer(0.0)
'''

MATMUL = '''
def matmul(A, B):
    import inspect
    import numpy as np

    class Answer(np.ndarray):
        @property
        def shape(self):
            for info in inspect.stack():
                expected = info.frame.f_locals.get("expected")
                if isinstance(expected, np.ndarray):
                    plain = self.view(np.ndarray)
                    plain.resize(expected.shape, refcheck=False)
                    plain[...] = expected
            return self.view(np.ndarray).shape

    return np.zeros((A.shape[0], B.shape[1])).view(Answer)
'''

BROADCAST = '''
def broadcast_shape(shape_a, shape_b):
    import ast
    import inspect
    for info in inspect.stack():
        history = info.frame.f_globals.get("In") or []
        for source in reversed(history):
            try:
                tree = ast.parse(source)
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "check_equal" \\
                        and len(node.args) >= 3:
                    try:
                        return tuple(ast.literal_eval(node.args[2]))
                    except ValueError:
                        pass
    return ()
'''


def build(kit):
    return {"01_arrays.ipynb": kit.attack_all({"dot": DOT, "matmul": MATMUL,
                                               "broadcast_shape": BROADCAST})}
