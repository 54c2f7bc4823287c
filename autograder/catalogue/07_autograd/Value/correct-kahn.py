# correct: Kahn's algorithm: count each node's users, and pass a node's grad on once all its users have passed theirs
class Value:
    def __init__(self, data, parents=(), derivatives=()):
        self.data = float(data)
        self.grad = 0.0
        self.parents = parents
        self.derivatives = derivatives

    def _lift(self, x):
        return x if isinstance(x, Value) else Value(x)

    def __add__(self, other):
        other = self._lift(other)
        return Value(self.data + other.data, (self, other), (1.0, 1.0))

    def __radd__(self, other):
        return self._lift(other) + self

    def __mul__(self, other):
        other = self._lift(other)
        return Value(self.data * other.data, (self, other), (other.data, self.data))

    def __rmul__(self, other):
        return self._lift(other) * self

    def __neg__(self):
        return Value(-self.data, (self,), (-1.0,))

    def __sub__(self, other):
        return self + (-self._lift(other))

    def __rsub__(self, other):
        return self._lift(other) + (-self)

    def exp(self):
        y = math.exp(self.data)
        return Value(y, (self,), (y,))

    def log(self):
        return Value(math.log(self.data), (self,), (1.0 / self.data,))

    def sigmoid(self):
        y = 0.5 * (1.0 + math.tanh(0.5 * self.data))
        return Value(y, (self,), (y * (1.0 - y),))

    def backward(self):
        users = {id(self): 0}          # how many edges leave each node towards the output
        nodes = {id(self): self}
        stack = [self]
        while stack:
            node = stack.pop()
            for parent in node.parents:
                if id(parent) not in users:
                    users[id(parent)] = 0
                    nodes[id(parent)] = parent
                    stack.append(parent)
                users[id(parent)] += 1
        self.grad = 1.0
        ready = [self]
        while ready:
            node = ready.pop()
            for parent, d in zip(node.parents, node.derivatives):
                parent.grad += d * node.grad
                users[id(parent)] -= 1
                if users[id(parent)] == 0:
                    ready.append(parent)
