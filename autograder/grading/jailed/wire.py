"""The judge's wire: frames, arrays as ``.npy`` bytes, and errors, as data.

Two peers -- the *judge*, which runs the tests, and the *agent* inside the student's
kernel -- talk over one Unix stream socket (:mod:`peer`); this module is what a message
is made of. It imports NumPy and nothing of ``autograder``.

A frame is ``length (8 bytes) | header length (4 bytes) | header | blobs``: the header is
JSON, each blob an array in NumPy's ``.npy`` format, written and read here for plain
numeric, boolean and text dtypes only, without pickle, and without evaluating anything of
its header. Nothing read from the wire runs code: JSON gives numbers, strings, lists and
dicts; values are rebuilt from tagged dicts (:mod:`values`). An exception crosses as its
class names and message and is raised on the other side as the same built-in type.
"""
from __future__ import annotations

import builtins
import json
import math
import re
import socket
import struct

import numpy as np

MAX_FRAME = 96 << 20          # bytes in one message, blobs included
MAX_HEADER = 24 << 20         # bytes of JSON in one message
MAX_DEPTH = 48                # nesting of containers in one value
MAX_ITEMS = 1 << 20           # items in one container
MAX_NESTING = 64              # requests nested inside requests (callbacks)
ARRAY_KINDS = "biufcUS"       # the dtypes an array may cross with
PROTOCOL = 1

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


def recv_frame(sock: socket.socket, in_turn: bool = True) -> tuple[dict, list]:
    """The next message. ``in_turn``: the other side sends nothing more until we answer
    (judge and agent), so a message is all there is to read, and most arrive whole in one
    read -- one system call instead of three. The worker may send its next message before
    the judge has read this one: there, read exactly what the frame says."""
    first = sock.recv(1 << 16) if in_turn else _read(sock, 12)
    if not first:
        raise PeerGone("the other side closed the connection")
    if len(first) < 12:
        first += _read(sock, 12 - len(first))
    body, head_len = struct.unpack(">QI", first[:12])
    if body > MAX_FRAME or head_len > MAX_HEADER or head_len + 4 > body:
        raise WireError(f"a message of {body} bytes (at most {MAX_FRAME})")
    if len(first) > 8 + body:
        raise WireError("more than one message at once")
    data = first[12:] + _read(sock, 8 + body - len(first))
    head, rest = data[:head_len], data[head_len:]
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
