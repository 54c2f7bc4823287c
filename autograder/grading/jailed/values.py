"""What crosses the wire, and for how long: values as data, arrays shared, objects as handles.

* ``None``, booleans, ints, floats, strings -- the same values, as the base type (a
  ``float`` subclass arrives as a plain ``float``); NumPy scalars as NumPy scalars of the
  same dtype; tuples, lists, dicts, sets, slices -- rebuilt, their items crossing the same
  way;
* an ``ndarray`` -- an array of its own on the other side, *shared*: each array that has
  crossed is compared with its last known content whenever either side sends a message,
  and changes travel with that message, so in-place changes on either side are seen by the
  other at every turn (``numerical_gradient`` nudging ``x``, ``SGD`` updating parameters, a
  layer writing its gradients). The same array crossing twice arrives as the same object,
  so identity (``layer.params[0] is W``) holds;
* anything else -- functions, classes, instances, modules -- a *handle*: a proxy on the
  other side, whose uses are requests (:mod:`peer`).

Lifetimes: the side that owns an object (the original of an array, the object behind a
handle) keeps only a weak reference to it in its tables; the other side keeps its copy or
proxy alive until the owner says the original has gone ("release").
"""
from __future__ import annotations

import math
import socket
import weakref
from types import FunctionType

import numpy as np

try:
    from . import wire                # as autograder.grading.jailed.values
except ImportError:                   # in the jail, beside wire.py
    import wire

ARRAY_KINDS = wire.ARRAY_KINDS
MAX_DEPTH = wire.MAX_DEPTH
MAX_ITEMS = wire.MAX_ITEMS
WireError = wire.WireError
array_bytes, array_from, _blob_of = wire.array_bytes, wire.array_from, wire._blob_of


def _state(array: np.ndarray) -> tuple:
    """What an array's content is compared by: dtype, shape and bytes. The dtype object,
    not its ``.str``, which would be a new string at every comparison."""
    return array.dtype, array.shape, array.tobytes()


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


class Values:
    """What one end of the wire shares with the other: arrays and handles, their ids and
    lifetimes, and how values are written and read. ``name`` is ``"judge"`` or
    ``"kernel"``; ids each side makes start with its initial, so they never collide.
    Subclasses say how the other side's handles look here (:meth:`proxy`)."""

    lazy_types: tuple = ()    # stand-ins for the other side's methods (:func:`methods_of`)

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
                if entry is not None:          # ours died, its copy changed: the copy's content
                    self._revive(aid, entry, new)
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

    def _revive(self, aid: str, entry: _Shared, array: np.ndarray) -> np.ndarray:
        """Our original of ``aid`` died after our last message, so the other side has not
        heard and still holds its copy, which it uses again: ``array`` (with the copy's
        content) takes the original's place, and the release is called off."""
        if not array.flags.writeable:
            array = array.copy()
        entry.ref = weakref.ref(array, self._array_died(aid))
        entry.state = _state(array)
        self.array_ids[id(array)] = aid
        self.gone = [g for g in self.gone if g != aid]
        return array

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
        if type(value) in self.lazy_types:            # a method not yet looked up: look it up
            return self.encode(value._resolve(), blobs, depth)
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
        return {"kind": "callable" if callable(value) else "object",
                "methods": methods_of(value, public=True)}

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
            if entry is None:
                raise WireError(f"no shared array {aid!r} here")
            array = entry.get()
            if array is None:                 # ours died since we last spoke; its copy comes back
                dtype, shape, content = entry.state
                array = self._revive(aid, entry, np.frombuffer(
                    content, dtype=np.dtype(dtype)).reshape(shape))
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


MAX_METHODS = 200
_METHODS: dict = {}


def methods_of(value, public: bool = False) -> list:
    """The names of the plain functions ``value``'s class defines (its methods): the other
    side calls one of them in one turn, ``callmethod``, rather than two (``getattr``, then
    ``call``). Only a hint: the owner looks the name up on the object at each call, so
    an instance attribute of that name, or a class changed since, is still what is used.
    ``public``: only names without a leading underscore."""
    cls = type(value)
    if isinstance(value, type):
        return []                    # a class: its functions are not bound methods
    key = (cls, public)
    found = _METHODS.get(key)
    if found is None:
        names = set()
        try:
            for klass in cls.__mro__[:-1]:
                for name, member in vars(klass).items():
                    if isinstance(name, str) and type(member) is FunctionType \
                            and not (name.startswith("__") and name.endswith("__")) \
                            and not (public and name.startswith("_")) and len(name) <= 100:
                        names.add(name)
        except Exception:  # noqa: BLE001 - a class that hides its members: no hint
            names = set()
        found = _METHODS[key] = sorted(names)[:MAX_METHODS]
    return found
