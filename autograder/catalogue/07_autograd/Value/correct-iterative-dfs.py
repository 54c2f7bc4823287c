# correct: an explicit stack instead of recursion (post-order depth-first search), any depth
class Value:
    def __init__(self, data, inputs=(), local_grads=()):
        self.data = float(data)
        self.grad = 0.0
        self.inputs = list(inputs)
        self.local_grads = list(local_grads)

    @staticmethod
    def _v(x):
        return x if isinstance(x, Value) else Value(x)

    def __add__(self, other):
        other = Value._v(other)
        return Value(self.data + other.data, [self, other], [1, 1])

    __radd__ = __add__

    def __mul__(self, other):
        other = Value._v(other)
        return Value(self.data * other.data, [self, other], [other.data, self.data])

    __rmul__ = __mul__

    def __sub__(self, other):
        other = Value._v(other)
        return Value(self.data - other.data, [self, other], [1, -1])

    def __rsub__(self, other):
        return Value._v(other) - self

    def __neg__(self):
        return Value(-self.data, [self], [-1])

    def exp(self):
        e = math.exp(self.data)
        return Value(e, [self], [e])

    def log(self):
        return Value(math.log(self.data), [self], [1 / self.data])

    def sigmoid(self):
        x = self.data
        if x >= 0:
            s = 1 / (1 + math.exp(-x))
        else:
            s = math.exp(x) / (1 + math.exp(x))
        return Value(s, [self], [s * (1 - s)])

    def backward(self):
        order, done = [], set()
        stack = [(self, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
            elif id(node) not in done:
                done.add(id(node))
                stack.append((node, True))
                for child in node.inputs:
                    if id(child) not in done:
                        stack.append((child, False))
        self.grad = 1.0
        for node in reversed(order):
            for child, local in zip(node.inputs, node.local_grads):
                child.grad += node.grad * local
