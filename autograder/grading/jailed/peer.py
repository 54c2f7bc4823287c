"""The conversation between the judge and the agent: requests, answers, callbacks.

Strictly in turn over one socket: a request, then its answer, with requests of the other
side (callbacks) nested in between. :meth:`Peer.request` sends a request and serves the
other side's nested requests until the answer comes; :meth:`Peer.serve` answers requests
until the other side says ``done``. Every message carries the changes of the shared arrays
(:mod:`values`). Subclasses decide what operations on their own objects they allow
(:meth:`Peer.allowed`) and where names are looked up (:meth:`Peer.lookup`).
"""
from __future__ import annotations

import operator

try:
    from . import wire                # as autograder.grading.jailed.peer
    from .values import Values
except ImportError:                   # in the jail, beside wire.py and values.py
    import wire
    from values import Values

MAX_ITEMS = wire.MAX_ITEMS
MAX_NESTING = 64              # requests nested inside requests (callbacks)
WireError, PeerGone = wire.WireError, wire.PeerGone

BINARY = {"add": operator.add, "sub": operator.sub, "mul": operator.mul,
          "truediv": operator.truediv, "floordiv": operator.floordiv, "mod": operator.mod,
          "pow": operator.pow, "matmul": operator.matmul, "and": operator.and_,
          "or": operator.or_, "xor": operator.xor, "lshift": operator.lshift,
          "rshift": operator.rshift, "eq": operator.eq, "ne": operator.ne,
          "lt": operator.lt, "le": operator.le, "gt": operator.gt, "ge": operator.ge}
UNARY = {"neg": operator.neg, "pos": operator.pos, "abs": operator.abs,
         "invert": operator.invert, "float": float, "int": int, "bool": bool,
         "index": operator.index, "complex": complex}


class LazyMethod:
    """``obj.name`` where the other side said ``name`` is a method of its object ``obj``:
    calling it is one request (``callmethod``), which looks the name up on the object
    then; any other use looks it up first (:meth:`_resolve`) and acts on what came back.
    Subclasses say how a call is made."""

    __slots__ = ("_owner", "_name", "_real")

    def __init__(self, owner, name: str):
        object.__setattr__(self, "_owner", owner)
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_real", None)

    def _resolve(self):
        if self._real is None:
            object.__setattr__(self, "_real", self._owner._ask("getattr", name=self._name))
        return self._real

    def __getattr__(self, name):
        if name in ("__name__", "__qualname__"):
            return self._name
        return getattr(self._resolve(), name)


class Peer(Values):
    """One end of the wire: what it shares (:class:`Values`) and the conversation."""

    def __init__(self, name: str):
        super().__init__(name)
        self.depth = 0
        self.messages = 0             # messages sent: what judging a notebook cost in turns

    def send(self, header: dict, blobs: list | None = None) -> None:
        blobs = list(blobs or [])
        header = dict(header)
        sync = self._changes(blobs)
        if sync:
            header["sync"] = sync
        header.update(self._releases())
        header["#"] = [len(b) for b in blobs]
        wire.send_frame(self.sock, header, blobs)
        self.messages += 1

    def recv(self) -> tuple[dict, list]:
        header, blobs = wire.recv_frame(self.sock)
        self._apply_releases(header)
        self._apply_changes(header, blobs)
        return header, blobs

    def request(self, op: dict):
        """Send a request; serve the other side's nested requests until its answer comes."""
        if self.sock is None:
            raise PeerGone("not connected to the other side")
        if self.depth >= MAX_NESTING:
            raise RecursionError("requests nested too deeply between judge and kernel")
        blobs: list = []
        message = dict(op)
        if "args" in op:
            message["args"] = [self.encode(a, blobs) for a in op["args"]]
        if "kwargs" in op:
            message["kwargs"] = [[str(k), self.encode(v, blobs)] for k, v in op["kwargs"]]
        self.depth += 1
        try:
            self.send(message, blobs)
            while True:
                header, blobs = self.recv()
                if "op" in header:
                    if header["op"] == "done":
                        raise PeerGone("the other side ended the conversation")
                    self._answer(header, blobs)
                    continue
                return self._result(header, blobs)
        finally:
            self.depth -= 1

    def serve(self) -> None:
        """Answer requests until the other side says ``done`` (or goes)."""
        while True:
            header, blobs = self.recv()
            if header.get("op") == "done":
                return
            if "op" not in header:
                raise WireError("an answer where a request was expected")
            self._answer(header, blobs)

    def done(self) -> None:
        self.send({"op": "done"})

    def _result(self, header: dict, blobs: list):
        self.received(header)
        if "ok" in header:
            return self.decode(header["ok"], blobs)
        error = header.get("err")
        if not isinstance(error, dict):
            raise WireError("an answer that is neither a value nor an error")
        names = [str(n)[:100] for n in error.get("names", [])][:32] or ["Exception"]
        raise self.exception(names, str(error.get("msg", ""))[:20000])

    def received(self, header: dict) -> None:
        """Hook: what came with an answer besides its value (the kernel's printed text)."""

    def _answer(self, header: dict, blobs: list) -> None:
        extra: dict = {}
        out_blobs: list = []
        self.depth += 1
        try:
            result = self.perform(header, blobs, extra)
            answer = {"ok": self.encode(result, out_blobs)}
        except (WireError, KeyboardInterrupt) as exc:
            if isinstance(exc, PeerGone):
                raise
            answer = {"err": wire._error_data(exc)}
        except BaseException as exc:  # noqa: BLE001 - reported to the other side as data
            answer = {"err": wire._error_data(exc)}
            out_blobs = []
        finally:
            self.depth -= 1
        answer.update(extra)
        self.send(answer, out_blobs)

    # ------------------------------------------------------------------ operations
    def perform(self, header: dict, blobs: list, extra: dict):
        """Carry out one request of the other side on our own objects."""
        op = header["op"]
        args = [self.decode(a, blobs) for a in header.get("args", [])]
        kwargs = {str(k): self.decode(v, blobs) for k, v in header.get("kwargs", [])}
        target = self._own(header.get("h"))
        if op == "get":
            return self.lookup(str(header.get("name")))
        if op == "get_many":     # the names of these that are defined, and their values
            found = {}
            for name in header.get("names", [])[:1000]:
                try:
                    found[str(name)] = self.lookup(str(name))
                except NameError:
                    pass
            return found
        self.allowed(op, target, header)
        if op == "call":
            return self.call(target, args, kwargs, header, extra)
        if op == "callmethod":         # getattr, then call, in one turn
            method = getattr(target, str(header["name"]))
            self.allowed("call", method, {})
            return self.call(method, args, kwargs, header, extra)
        if op == "getattr":
            return getattr(target, str(header["name"]))
        if op == "setattr":
            setattr(target, str(header["name"]), args[0])
            return None
        if op == "delattr":
            delattr(target, str(header["name"]))
            return None
        if op == "getitem":
            return target[args[0]]
        if op == "setitem":
            target[args[0]] = args[1]
            return None
        if op == "delitem":
            del target[args[0]]
            return None
        if op == "len":
            return len(target)
        if op == "iter":
            items = []
            for item in target:
                items.append(item)
                if len(items) > MAX_ITEMS:
                    raise ValueError(f"more than {MAX_ITEMS} items to iterate over")
            return items
        if op == "contains":
            return args[0] in target
        if op == "binop":
            name = str(header["name"])
            if name not in BINARY:
                raise WireError(f"no operator {name!r}")
            left, right = (args[0], target) if header.get("reflected") else (target, args[0])
            return BINARY[name](left, right)
        if op == "unop":
            name = str(header["name"])
            if name not in UNARY:
                raise WireError(f"no operation {name!r}")
            return UNARY[name](target)
        if op == "isinstance":
            return isinstance(args[0], target)
        if op == "repr":
            return str(repr(target))[:10000]
        if op == "str":
            return str(str(target))[:100000]
        if op == "hash":
            return int(hash(target))
        raise WireError(f"no operation {op!r}")

    def allowed(self, op: str, target, header: dict) -> None:
        """Raise unless the other side may do ``op`` on our object ``target``."""

    def call(self, target, args: list, kwargs: dict, header: dict, extra: dict):
        return target(*args, **kwargs)

    def lookup(self, name: str):
        raise NameError(f"name {name!r} is not defined")

    def exception(self, names: list, message: str) -> BaseException:
        """The exception to raise here for one raised on the other side."""
        return wire._exception(names, message)
