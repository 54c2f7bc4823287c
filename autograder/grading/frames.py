"""Frames between ``grade`` and its workers: each message names its task and its size.

A frame is ``MAGIC | task id (8 bytes) | length (8 bytes) | payload`` (JSON). The reader
knows before reading a byte of the payload whose answer it is and how large; a frame
that is too large, names another task or is not a frame at all is a violation, and
the caller replaces the worker rather than read on: whatever a worker sent after a
violation could belong to anyone. Writes and reads are bounded by a deadline and
never wait on a pipe forever.
"""
from __future__ import annotations

import json
import os
import select
import struct
import time

MAGIC = b"NNG1"
HEADER = struct.Struct(">4sQQ")
MAX_ANSWER_BYTES = 64 << 20      # a worker's answer: autograded notebooks and scores
MAX_TASK_BYTES = 256 << 20       # a task: a submission's notebooks as text


class FrameError(RuntimeError):
    """The other side broke the framing: the worker must be replaced."""


class FrameTimeout(FrameError):
    """Nothing (complete) arrived, or could be written, before the deadline."""


class PeerClosed(FrameError):
    """The other side closed its end."""


def encode(task_id: int, message: dict) -> bytes:
    payload = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode()
    return HEADER.pack(MAGIC, task_id, len(payload)) + payload


def write(fd: int, data: bytes, deadline: float | None = None) -> None:
    """Write all of ``data`` to ``fd`` (blocking or not), by ``deadline`` (monotonic)."""
    view = memoryview(data)
    while view:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise FrameTimeout("could not hand over a message in time")
            _, ready, _ = select.select([], [fd], [], left)
            if not ready:
                continue
        try:
            written = os.write(fd, view[:1 << 20])
        except BlockingIOError:
            continue
        except (BrokenPipeError, ConnectionResetError) as exc:
            raise PeerClosed(str(exc)) from None
        view = view[written:]


def _read_exactly(fd: int, n: int, deadline: float | None) -> bytes:
    chunks, left = [], n
    while left:
        if deadline is not None:
            wait = deadline - time.monotonic()
            if wait <= 0:
                raise FrameTimeout("no complete message in time")
            ready, _, _ = select.select([fd], [], [], wait)
            if not ready:
                continue
        try:
            chunk = os.read(fd, min(left, 1 << 20))
        except BlockingIOError:
            continue
        if not chunk:
            raise PeerClosed("the other side closed its end")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read(fd: int, limit: int, deadline: float | None = None) -> tuple[int, dict]:
    """(task id, message) of the next frame on ``fd``; :class:`FrameError` on a violation."""
    magic, task_id, length = HEADER.unpack(_read_exactly(fd, HEADER.size, deadline))
    if magic != MAGIC:
        raise FrameError("the worker sent something that is not a message")
    if length > limit:
        raise FrameError(f"a message of {length} bytes, more than the {limit} allowed")
    payload = _read_exactly(fd, length, deadline)
    try:
        message = json.loads(payload)
    except (ValueError, RecursionError) as exc:
        raise FrameError(f"an unreadable message ({exc})") from None
    if not isinstance(message, dict):
        raise FrameError("a message that is not an object")
    return task_id, message
