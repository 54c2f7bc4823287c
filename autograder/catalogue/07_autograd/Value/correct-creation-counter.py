# correct: numbers every Value as it is made (a counter on the class) and visits the reachable nodes newest first: inputs are always older
class Value:
    made = 0                           # how many Values exist so far

    def __init__(self, data, links=None):
        self.data = np.float64(data)
        self.grad = 0.0
        self.links = links or {}       # input -> local derivative (summed if an input appears twice)
        self.number = Value.made
        Value.made += 1

    @classmethod
    def of(cls, x):
        return x if isinstance(x, cls) else cls(x)

    def _node(self, data, *pairs):
        links = {}
        for node, local in pairs:
            links[node] = links.get(node, 0.0) + local
        return Value(data, links)

    def __add__(self, other):
        other = Value.of(other)
        return self._node(self.data + other.data, (self, 1.0), (other, 1.0))

    def __radd__(self, other):
        return Value.of(other) + self

    def __mul__(self, other):
        other = Value.of(other)
        return self._node(self.data * other.data, (self, other.data), (other, self.data))

    def __rmul__(self, other):
        return Value.of(other) * self

    def __neg__(self):
        return self._node(-self.data, (self, -1.0))

    def __sub__(self, other):
        other = Value.of(other)
        return self._node(self.data - other.data, (self, 1.0), (other, -1.0))

    def __rsub__(self, other):
        return Value.of(other) - self

    def exp(self):
        e = np.exp(self.data)
        return self._node(e, (self, e))

    def log(self):
        return self._node(np.log(self.data), (self, 1.0 / self.data))

    def sigmoid(self):
        s = 1.0 / (1.0 + np.exp(-self.data))
        return self._node(s, (self, s * (1.0 - s)))

    def backward(self):
        reachable, stack = {self}, [self]
        while stack:
            for node in stack.pop().links:
                if node not in reachable:
                    reachable.add(node)
                    stack.append(node)
        self.grad = 1.0
        for node in sorted(reachable, key=lambda v: v.number, reverse=True):
            for child, local in node.links.items():
                child.grad += float(local) * node.grad
