"""The kernel answers every later execute request with status 'aborted' without running it
(an empty aborted cell got full points): the judge then finds no exercise to call. No points."""
EXPECT = {"max_score": 0}

CODE = '''
kernel = get_ipython().kernel
original = kernel.do_execute
count = [0]

async def do_execute(code, silent, *args, **kwargs):
    count[0] += 1
    if count[0] > 1:
        return {"status": "aborted", "execution_count": kernel.execution_count}
    return await original(code, silent, *args, **kwargs)

kernel.do_execute = do_execute

def dot(x, y):
    return 0.0
'''


def build(kit):
    return {"01_arrays.ipynb": kit.attack(CODE)}
