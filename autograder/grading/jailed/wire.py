"""The judge's wire: values cross as data, never as objects.

Two peers -- the *judge*, which runs the tests, and the *agent* inside the student's
kernel -- talk over one Unix stream socket, strictly in turn: a request, then its
answer, with requests of the other side (callbacks) nested in between. This module
is both ends of that conversation; it imports NumPy and nothing of ``autograder``.

A frame is ``length (8 bytes) | header length (4 bytes) | header | blobs``: the header
is JSON, each blob an array in NumPy's ``.npy`` format, read with
``allow_pickle=False`` and only for plain numeric, boolean and text dtypes. Nothing
read from the wire runs code: JSON gives numbers, strings, lists and dicts; values are
rebuilt from tagged dicts (:meth:`Peer.decode`).

What crosses, and what the other side gets:

* ``None``, booleans, ints, floats, strings -- the same values, as the base type (a
  ``float`` subclass arrives as a plain ``float``); NumPy scalars as NumPy scalars of
  the same dtype; tuples, lists, dicts, sets, slices -- rebuilt, their items crossing
  the same way;
* an ``ndarray`` -- an array of its own on the other side, *shared*: each array that
  has crossed is compared with its last known content whenever either side sends a
  message, and changes travel with that message, so in-place changes on either side
  are seen by the other at every turn (``numerical_gradient`` nudging ``x``, ``SGD``
  updating parameters, a layer writing its gradients). The same array crossing twice
  arrives as the same object, so identity (``layer.params[0] is W``) holds;
* anything else -- functions, classes, instances, modules -- a *handle*: a proxy on
  the other side whose operations (call, attributes, items, operators, ``len``,
  iteration, ``isinstance``) are sent back as requests. The judge serves only calls
  and public attributes of its own objects (callbacks and test doubles); the agent
  serves whatever the student's objects do.

Lifetimes: the side that owns an object (the original of an array, the object behind
a handle) keeps only a weak reference to it in its tables; the other side keeps its
copy or proxy alive until the owner says the original has gone ("release").
"""
from __future__ import annotations

import builtins
import json
import math
import operator
import re
import socket
import struct
import weakref

import numpy as np

MAX_FRAME = 96 << 20          # bytes in one message, blobs included
MAX_HEADER = 24 << 20         # bytes of JSON in one message
MAX_DEPTH = 48                # nesting of containers in one value
MAX_ITEMS = 1 << 20           # items in one container
MAX_NESTING = 64              # requests nested inside requests (callbacks)
ARRAY_KINDS = "biufcUS"       # the dtypes an array may cross with
PROTOCOL = 1

BINARY = {"add": operator.add, "sub": operator.sub, "mul": operator.mul,
          "truediv": operator.truediv, "floordiv": operator.floordiv, "mod": operator.mod,
          "pow": operator.pow, "matmul": operator.matmul, "and": operator.and_,
          "or": operator.or_, "xor": operator.xor, "lshift": operator.lshift,
          "rshift": operator.rshift, "eq": operator.eq, "ne": operator.ne,
          "lt": operator.lt, "le": operator.le, "gt": operator.gt, "ge": operator.ge}
UNARY = {"neg": operator.neg, "pos": operator.pos, "abs": operator.abs,
         "invert": operator.invert, "float": float, "int": int, "bool": bool,
         "index": operator.index, "complex": complex}


class WireError(Exception):
    """The other side broke the protocol: a malformed, oversized or unexpected message."""


class PeerGone(WireError):
    """The other side closed the connection (it ended, crashed or was killed)."""


class RemoteError(Exception):
    """An exception raised on the other side, as data: its type's names and message."""

    def __init__(self, names: list, message: str):
        super().__init__(message)
        self.names, self.message = names, message


# --------------------------------------------------------------------------- frames

def send_frame(sock: socket.socket, header: dict, blobs: list) -> None:
    head = json.dumps(header, separators=(",", ":"), allow_nan=True).encode()
    body = sum(len(b) for b in blobs) + 4 + len(head)
    if body > MAX_FRAME or len(head) > MAX_HEADER:
        raise WireError(f"message of {body} bytes is larger than {MAX_FRAME}")
    sock.sendall(b"".join([struct.pack(">QI", body, len(head)), head, *blobs]))


def _read(sock: socket.socket, n: int) -> bytes:
    chunks, left = [], n
    while left:
        chunk = sock.recv(min(left, 1 << 20))
        if not chunk:
            raise PeerGone("the other side closed the connection")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def recv_frame(sock: socket.socket) -> tuple[dict, list]:
    body, head_len = struct.unpack(">QI", _read(sock, 12))
    if body > MAX_FRAME or head_len > MAX_HEADER or head_len + 4 > body:
        raise WireError(f"a message of {body} bytes (at most {MAX_FRAME})")
    head = _read(sock, head_len)
    rest = _read(sock, body - 4 - head_len)
    try:
        header = json.loads(head)
    except (ValueError, RecursionError) as exc:
        raise WireError(f"an unreadable message header ({exc})") from None
    if not isinstance(header, dict):
        raise WireError("a message header that is not an object")
    sizes = header.pop("#", [])
    if not isinstance(sizes, list) or not all(isinstance(s, int) and s >= 0 for s in sizes) \
            or sum(sizes) != len(rest):
        raise WireError("message blobs that do not add up")
    blobs, at = [], 0
    for size in sizes:
        blobs.append(rest[at:at + size])
        at += size
    return header, blobs


# --------------------------------------------------------------------------- arrays

NPY_MAGIC = b"\x93NUMPY\x01\x00"
NPY_HEADER = re.compile(r"\{'descr': '([<>|=][biufcUS]\d{1,4})', 'fortran_order': False, "
                        r"'shape': \(((?:\d{1,12}, ?)*\d{0,12})\), \} *\n")
MAX_DIMS = 32


def array_bytes(array: np.ndarray) -> bytes:
    """``array`` in NumPy's ``.npy`` format (version 1.0, C order), written directly: the
    same bytes ``np.save`` writes for a plain array, without its slower general path."""
    shape = repr(tuple(int(n) for n in array.shape))
    header = f"{{'descr': '{array.dtype.str}', 'fortran_order': False, 'shape': {shape}, }}"
    pad = 64 - (len(NPY_MAGIC) + 2 + len(header) + 1) % 64
    header = (header + " " * (pad % 64) + "\n").encode("latin1")
    return NPY_MAGIC + struct.pack("<H", len(header)) + header + array.tobytes()


def array_from(blob: bytes) -> np.ndarray:
    """An array from ``.npy`` bytes of the form :func:`array_bytes` writes, and no other:
    a plain numeric, boolean or text dtype, C order, the right number of bytes. Nothing
    in the header is evaluated."""
    if blob[:8] != NPY_MAGIC or len(blob) < 10:
        raise WireError("an array that is not in .npy format")
    (length,) = struct.unpack("<H", blob[8:10])
    match = NPY_HEADER.fullmatch(blob[10:10 + length].decode("latin1"))
    if match is None:
        raise WireError("an array whose .npy header is not the expected one")
    dtype = np.dtype(match.group(1))
    shape = tuple(int(n) for n in match.group(2).replace(" ", "").split(",") if n)
    if dtype.kind not in ARRAY_KINDS or len(shape) > MAX_DIMS:
        raise WireError(f"an array of dtype {dtype} and {len(shape)} axes cannot cross")
    data = blob[10 + length:]
    if math.prod(shape) * dtype.itemsize != len(data):
        raise WireError("an array whose size does not match its data")
    return np.frombuffer(data, dtype=dtype).reshape(shape).copy()


def _state(array: np.ndarray) -> tuple:
    """What an array's content is compared by: dtype, shape and bytes."""
    return array.dtype.str, array.shape, array.tobytes()


class _Shared:
    """One array that has crossed: ours (``own``: held weakly) or the other side's copy
    (held strongly until its owner releases it), with its content when last sent or
    received."""

    __slots__ = ("ref", "obj", "state")

    def __init__(self, array: np.ndarray, own: bool, on_dead):
        self.obj = None if own else array
        self.ref = weakref.ref(array, on_dead) if own else None
        self.state = _state(array)

    def get(self):
        return self.obj if self.ref is None else self.ref()


# --------------------------------------------------------------------------- the peer

class Peer:
    """One end of the wire: its shared arrays, its handles, and the conversation.

    ``name`` is ``"judge"`` or ``"kernel"``; ids each side makes start with its initial,
    so they never collide. :meth:`request` sends a request and serves the other side's
    nested requests until the answer comes; :meth:`serve` answers requests until the
    other side says ``done``. Subclasses decide what operations on their own objects
    they allow (:meth:`allowed`) and how the other side's handles look here
    (:meth:`proxy`).
    """

    def __init__(self, name: str):
        self.name, self.tag = name, name[0]
        self.sock: socket.socket | None = None
        self.counter = 0
        self.arrays: dict = {}        # id -> _Shared
        self.array_ids: dict = {}     # id(object) -> id, for arrays here (ours or copies)
        self.objects: dict = {}       # id -> our object behind a handle the other side holds
        self.object_ids: dict = {}    # id(object) -> id
        self.proxies: dict = {}       # id -> weakref to the proxy of the other side's object
        self.gone: list = []          # ids of our originals that died: released at next send
        self.proxies_gone: list = []  # ids of the other side's objects we no longer hold
        self.depth = 0
        self.messages = 0             # messages sent: what judging a notebook cost in turns

    # ------------------------------------------------------------------ ids and lifetimes
    def _new_id(self) -> str:
        self.counter += 1
        return f"{self.tag}{self.counter}"

    def _array_died(self, aid: str):
        def dead(_ref):
            self.gone.append(aid)
        return dead

    def _proxy_died(self, hid: str):
        def dead(_ref):
            self.proxies_gone.append(hid)
        return dead

    def _releases(self) -> dict:
        out = {}
        if self.gone:
            out["ra"], self.gone = self.gone, []
            for aid in out["ra"]:
                entry = self.arrays.pop(aid, None)
                if entry is not None:
                    self.array_ids = {k: v for k, v in self.array_ids.items() if v != aid}
        if self.proxies_gone:
            out["rh"], self.proxies_gone = self.proxies_gone, []
            for hid in out["rh"]:
                ref = self.proxies.get(hid)
                if ref is not None and ref() is None:
                    del self.proxies[hid]
        return out

    def _apply_releases(self, header: dict) -> None:
        for aid in header.get("ra", []):          # the other side's original died
            entry = self.arrays.pop(str(aid), None)
            if entry is not None:
                obj = entry.get()
                if obj is not None and self.array_ids.get(id(obj)) == aid:
                    del self.array_ids[id(obj)]
        for hid in header.get("rh", []):          # the other side dropped our object
            obj = self.objects.pop(str(hid), None)
            if obj is not None and self.object_ids.get(id(obj)) == hid:
                del self.object_ids[id(obj)]

    # ------------------------------------------------------------------ array sync
    def _changes(self, blobs: list) -> dict:
        """id -> blob index of every shared array whose content changed since last sent."""
        changed = {}
        for aid, entry in list(self.arrays.items()):
            array = entry.get()
            if array is None:
                continue
            state = _state(array)
            if state != entry.state:
                entry.state = state
                changed[aid] = len(blobs)
                blobs.append(array_bytes(array))
        return changed

    def _apply_changes(self, header: dict, blobs: list) -> None:
        for aid, index in (header.get("sync") or {}).items():
            entry = self.arrays.get(aid)
            new = array_from(blobs[index])
            array = None if entry is None else entry.get()
            if array is None:
                continue
            try:
                if array.shape != new.shape:
                    if array.size == new.size:
                        array.shape = new.shape     # what the other side did (``x.shape = …``)
                    else:
                        array.resize(new.shape, refcheck=False)
                if array.dtype != new.dtype:
                    raise ValueError("dtype changed")
                np.copyto(array, new, casting="no")
            except (ValueError, TypeError):
                # It cannot become the other side's array in place (a view that changed
                # shape, say): from now on they are two arrays.
                self.arrays.pop(aid, None)
                self.array_ids.pop(id(array), None)
                continue
            entry.state = _state(array)

    # ------------------------------------------------------------------ messages
    def send(self, header: dict, blobs: list | None = None) -> None:
        blobs = list(blobs or [])
        header = dict(header)
        sync = self._changes(blobs)
        if sync:
            header["sync"] = sync
        header.update(self._releases())
        header["#"] = [len(b) for b in blobs]
        send_frame(self.sock, header, blobs)
        self.messages += 1

    def recv(self) -> tuple[dict, list]:
        header, blobs = recv_frame(self.sock)
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
            answer = {"err": _error_data(exc)}
        except BaseException as exc:  # noqa: BLE001 - reported to the other side as data
            answer = {"err": _error_data(exc)}
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
        self.allowed(op, target, header)
        if op == "call":
            return self.call(target, args, kwargs, header, extra)
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

    def _own(self, hid):
        if hid is None:
            return None
        try:
            return self.objects[str(hid)]
        except KeyError:
            raise WireError(f"no object {hid!r} here") from None

    # ------------------------------------------------------------------ values
    def encode(self, value, blobs: list, depth: int = 0):
        if depth > MAX_DEPTH:
            raise ValueError("a value nested too deeply to send")
        if value is None or type(value) in (bool, str):
            return value
        if type(value) is int:
            return value if abs(value) < (1 << 53) else {"$": "int", "v": str(value)}
        if type(value) is float:
            return value if math.isfinite(value) else {"$": "float", "v": repr(value)}
        proxy_id = self.proxy_id(value)
        if proxy_id is not None:                      # the other side's object, going home
            return {"$": "h", "id": proxy_id}
        if isinstance(value, np.ndarray) and value.dtype.kind in ARRAY_KINDS \
                and value.dtype.fields is None:
            return self._encode_array(value, blobs)
        if isinstance(value, np.generic) and value.dtype.kind in ARRAY_KINDS:
            return {"$": "np", "b": self._blob(np.asarray(value), blobs)}
        if isinstance(value, bool):
            return bool(value)
        if isinstance(value, int):
            return self.encode(int.__index__(value), blobs, depth)
        if isinstance(value, float):
            return self.encode(float.__float__(value), blobs, depth)
        if isinstance(value, str):
            return str.__str__(value)
        if isinstance(value, (tuple, list, set, frozenset)):
            kind = ("tuple" if isinstance(value, tuple) else "list" if isinstance(value, list)
                    else "set" if isinstance(value, set) else "frozenset")
            items = tuple.__iter__(value) if isinstance(value, tuple) else \
                list.__iter__(value) if isinstance(value, list) else iter(value)
            out = []
            for item in items:
                if len(out) >= MAX_ITEMS:
                    raise ValueError("a container too long to send")
                out.append(self.encode(item, blobs, depth + 1))
            return {"$": kind, "v": out}
        if isinstance(value, dict):
            return {"$": "dict", "v": [[self.encode(k, blobs, depth + 1),
                                        self.encode(v, blobs, depth + 1)]
                                       for k, v in dict.items(value)]}
        if isinstance(value, slice):
            return {"$": "slice", "v": [self.encode(x, blobs, depth + 1)
                                        for x in (value.start, value.stop, value.step)]}
        if value is Ellipsis:
            return {"$": "..."}
        if isinstance(value, (bytes, bytearray)):
            blobs.append(bytes(value))
            return {"$": "bytes", "b": len(blobs) - 1}
        if isinstance(value, complex):
            return {"$": "complex", "v": [repr(value.real), repr(value.imag)]}
        return self._encode_object(value)

    def _blob(self, array, blobs: list) -> int:
        blobs.append(array_bytes(array))
        return len(blobs) - 1

    def _encode_array(self, array: np.ndarray, blobs: list) -> dict:
        if type(array) is not np.ndarray:            # a subclass crosses as a plain array
            array = np.asarray(array).view(np.ndarray)
        aid = self.array_ids.get(id(array))
        entry = self.arrays.get(aid) if aid is not None else None
        if entry is not None and entry.get() is array:
            return {"$": "nd", "id": aid}            # its content travels as a change, if any
        aid = self._new_id()
        self.arrays[aid] = _Shared(array, True, self._array_died(aid))
        self.array_ids[id(array)] = aid
        return {"$": "nd", "id": aid, "b": self._blob(array, blobs)}

    def _encode_object(self, value) -> dict:
        hid = self.object_ids.get(id(value))
        if hid is None or self.objects.get(hid) is not value:
            hid = self._new_id()
            self.objects[hid] = value
            self.object_ids[id(value)] = hid
        return {"$": "h", "id": hid, **self.describe(value)}

    def describe(self, value) -> dict:
        """What the other side learns about one of our objects besides its handle."""
        return {"kind": "callable" if callable(value) else "object"}

    def proxy_id(self, value):
        """The handle id if ``value`` is our proxy of the other side's object, else None."""
        return None

    def decode(self, data, blobs: list, depth: int = 0):
        if depth > MAX_DEPTH:
            raise WireError("a value nested too deeply")
        if data is None or isinstance(data, (bool, int, float, str)):
            return data
        if not isinstance(data, dict):
            raise WireError(f"an untagged value of type {type(data).__name__}")
        tag = data.get("$")
        if tag in ("tuple", "list", "set", "frozenset"):
            items = data.get("v")
            if not isinstance(items, list) or len(items) > MAX_ITEMS:
                raise WireError("a malformed container")
            values = [self.decode(item, blobs, depth + 1) for item in items]
            return {"tuple": tuple, "list": list, "set": set, "frozenset": frozenset}[tag](values)
        if tag == "dict":
            pairs = data.get("v")
            if not isinstance(pairs, list):
                raise WireError("a malformed dict")
            out = {}
            for pair in pairs:
                if not isinstance(pair, list) or len(pair) != 2:
                    raise WireError("a malformed dict item")
                out[self.decode(pair[0], blobs, depth + 1)] = self.decode(pair[1], blobs, depth + 1)
            return out
        if tag == "nd":
            return self._decode_array(data, blobs)
        if tag == "np":
            array = array_from(_blob_of(data, blobs))
            if array.ndim != 0:
                raise WireError("a NumPy scalar that is not 0-d")
            return array[()]
        if tag == "h":
            hid = str(data.get("id"))
            if hid[:1] == self.tag:               # one of ours, back home
                return self._own(hid)
            return self._proxy(hid, data)
        if tag == "int":
            text = str(data.get("v"))
            if len(text) > 4000:
                raise WireError("an integer too long")
            return int(text)
        if tag == "float":
            return float(str(data.get("v"))[:40])
        if tag == "complex":
            real, imag = data.get("v", ["0", "0"])
            return complex(float(str(real)[:40]), float(str(imag)[:40]))
        if tag == "slice":
            parts = data.get("v")
            if not isinstance(parts, list) or len(parts) != 3:
                raise WireError("a malformed slice")
            return slice(*(self.decode(p, blobs, depth + 1) for p in parts))
        if tag == "...":
            return Ellipsis
        if tag == "bytes":
            return bytes(_blob_of(data, blobs))
        raise WireError(f"an unknown value tag {tag!r}")

    def _decode_array(self, data: dict, blobs: list) -> np.ndarray:
        aid = str(data.get("id"))
        if "b" not in data:
            entry = self.arrays.get(aid)
            array = None if entry is None else entry.get()
            if array is None:
                raise WireError(f"no shared array {aid!r} here")
            return array
        if aid in self.arrays or aid[:1] == self.tag:
            raise WireError(f"an array id {aid!r} sent twice")
        array = array_from(_blob_of(data, blobs))
        if not array.flags.writeable:
            array = array.copy()
        self.arrays[aid] = _Shared(array, False, None)
        self.array_ids[id(array)] = aid
        return array

    def _proxy(self, hid: str, data: dict):
        ref = self.proxies.get(hid)
        proxy = ref() if ref is not None else None
        if proxy is None:
            proxy = self.proxy(hid, data)
            self.proxies[hid] = weakref.ref(proxy, self._proxy_died(hid))
        return proxy

    def proxy(self, hid: str, data: dict):
        raise NotImplementedError

    def exception(self, names: list, message: str) -> BaseException:
        """The exception to raise here for one raised on the other side."""
        return _exception(names, message)


def _blob_of(data: dict, blobs: list) -> bytes:
    index = data.get("b")
    if not isinstance(index, int) or not 0 <= index < len(blobs):
        raise WireError("a value pointing at no blob")
    return blobs[index]


def _error_data(exc: BaseException) -> dict:
    names = [cls.__name__ for cls in type(exc).__mro__ if cls not in (object, BaseException)]
    try:
        message = str(exc)
    except Exception:  # noqa: BLE001 - a message that cannot be shown
        message = "(the exception's message could not be read)"
    return {"names": names[:32], "msg": message[:20000]}


_SYNTHETIC: dict = {}


def _exception(names: list, message: str) -> BaseException:
    """An exception of the first of ``names`` that is a built-in exception class here, or
    of a new class of that name deriving from the first built-in one among its bases."""
    first = names[0]
    known = getattr(builtins, first, None)
    if isinstance(known, type) and issubclass(known, BaseException) \
            and known not in (SystemExit, KeyboardInterrupt, GeneratorExit):
        return known(message)
    if first == "KeyboardInterrupt":
        return KeyboardInterrupt(message)
    base = Exception
    for name in names[1:]:
        candidate = getattr(builtins, name, None)
        if isinstance(candidate, type) and issubclass(candidate, Exception):
            base = candidate
            break
    key = (first, base)
    if key not in _SYNTHETIC:
        _SYNTHETIC[key] = type(first, (base,), {"__module__": "builtins"})
    return _SYNTHETIC[key](message)
