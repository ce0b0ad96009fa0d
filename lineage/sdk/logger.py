"""The prediction logger: ``log()`` returns at once, a background thread writes batches.

Memory is bounded: at most ``max_buffer`` predictions are held unwritten (waiting or being written); a
``log`` beyond that waits for room (``when_full="block"``) or raises BufferFull (``"raise"``). Nothing
is dropped silently: a write that fails is retried with backoff while the store or server is
unavailable, and predictions that still could not be written are raised, with their count, from the
next ``log``, ``flush`` or ``close`` (PredictionsNotRecorded, which holds them). ``close()``, and the
interpreter's exit for a logger never closed, write what is left. A process killed outright (SIGKILL,
a power cut) loses what was not written yet: at most the ``flush_every`` or ``flush_seconds`` it had
gathered and the batch being written.
"""

from __future__ import annotations

import atexit
import hashlib
import itertools
import threading
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from types import TracebackType
from typing import Any, Literal, Protocol

from lineage.errors import InvalidInput, LineageError, StoreUnavailable
from lineage.model import NodeKind, Prediction, canonical_json, make_uid, now, parse_uid


class PredictionTarget(Protocol):
    def record_predictions(self, model_uid: str, predictions: Sequence[Prediction]) -> None: ...


class BufferFull(LineageError):
    """``log`` found ``max_buffer`` predictions unwritten and the logger was told to raise."""


class PredictionsNotRecorded(LineageError):
    """Predictions that were logged and could not be written; ``predictions`` holds them, to keep or
    log again, and the cause is chained."""

    def __init__(self, model_uid: str, predictions: list[Prediction], cause: BaseException) -> None:
        super().__init__(
            f"{len(predictions)} predictions of {model_uid} could not be recorded: "
            f"{type(cause).__name__}: {cause}"
        )
        self.predictions = predictions
        self.count = len(predictions)


class PredictionLogger:
    """Logs predictions of one model version in the background. See the module docstring.

    Args:
        target: where batches are written (a store, or a server).
        model_uid: the model version that makes the predictions (``model:name@version``).
        name: the predictions' node name (the model's name by default); each gets its own version.
        flush_every: write once this many predictions are waiting...
        flush_seconds: ...or once the oldest has waited this long.
        max_buffer: the most predictions held unwritten, waiting or being written.
        when_full: ``"block"`` (wait for room) or ``"raise"`` (BufferFull) when ``max_buffer`` is reached.
        max_batch: the most predictions one write carries (a backlog is written in batches this big).
        retries: how many times a write is tried again while the store or server is unavailable.
        backoff: seconds before the first retry; each next one waits twice as long.
    """

    def __init__(
        self,
        target: PredictionTarget,
        model_uid: str,
        *,
        name: str | None = None,
        flush_every: int = 1000,
        flush_seconds: float = 1.0,
        max_buffer: int = 100_000,
        when_full: Literal["block", "raise"] = "block",
        max_batch: int = 10_000,
        retries: int = 5,
        backoff: float = 0.2,
    ) -> None:
        kind, model_name, _ = parse_uid(model_uid)
        if kind is not NodeKind.MODEL:
            raise InvalidInput(f"{model_uid} is not a model: predictions derive from a model version")
        if when_full not in ("block", "raise"):
            raise InvalidInput(f"when_full {when_full!r}: 'block' or 'raise'")
        if not 1 <= flush_every <= max_buffer or max_batch < 1 or flush_seconds <= 0 or retries < 0:
            raise InvalidInput(
                "the logger needs 1 <= flush_every <= max_buffer, max_batch >= 1, flush_seconds > 0 "
                "and retries >= 0"
            )
        self.model_uid = model_uid
        self.name = name or model_name
        parse_uid(make_uid(NodeKind.PREDICTION, self.name, "0"))  # the name, checked once
        self.flush_every, self.flush_seconds, self.max_buffer = flush_every, flush_seconds, max_buffer
        self.when_full, self.max_batch = when_full, max_batch
        self.retries, self.backoff = retries, backoff
        self._target = target
        # A version per prediction: a random prefix per logger and a serial number, unique across
        # processes without the cost of a UUID per prediction, and in log order within one logger.
        self._prefix = uuid.uuid4().hex[:16]
        self._serial = itertools.count()
        self._cond = threading.Condition()
        self._pending: list[Prediction] = []
        self._oldest = 0.0  # when the oldest pending prediction was logged (monotonic)
        self._in_flight = 0
        self._flushes = 0  # callers waiting in flush()
        self._closed = False
        self._failed: list[Prediction] = []
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._write_loop, name="lineage-predictions", daemon=True)
        self._thread.start()
        atexit.register(self.close)

    # --- the caller's side ----------------------------------------------------------------------

    def log(
        self,
        features: Any,
        output: Any,
        *,
        inputs: Iterable[str] = (),
        version: str | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> str:
        """Log one prediction and return its uid at once.

        ``features`` is the input digest when it is a string, else any JSON value (the feature values),
        digested here (``sha256:`` of its canonical JSON). ``inputs`` are the uids of the feature
        versions it read and of the predictions it consumed (a chained model's inputs); they must be
        recorded by the time the batch is written. ``version`` is unique unless given (the logger's random
        prefix and a serial number).
        """
        if version is not None:
            parse_uid(make_uid(NodeKind.PREDICTION, self.name, version))  # refused here, not with its batch
        digest = features if isinstance(features, str) else _digest(features)
        feature_uids: list[str] = []
        parents: list[str] = []
        for uid in inputs:
            (parents if parse_uid(uid)[0] is NodeKind.PREDICTION else feature_uids).append(uid)
        prediction = Prediction(
            name=self.name,
            version=version or f"{self._prefix}-{next(self._serial)}",
            input_digest=digest,
            output=output,
            features=feature_uids,
            parents=parents,
            created_at=now(),
            metadata=metadata or {},
        )
        with self._cond:
            self._raise_failure()
            while len(self._pending) + self._in_flight >= self.max_buffer and not self._closed:
                if self.when_full == "raise":
                    raise BufferFull(
                        f"{self.max_buffer} predictions of {self.model_uid} are waiting to be written; "
                        "log more slowly, or give the logger a larger max_buffer"
                    )
                self._cond.wait()
            if self._closed:
                raise InvalidInput(f"the prediction logger of {self.model_uid} is closed")
            if not self._pending:
                self._oldest = time.monotonic()
            self._pending.append(prediction)
            if len(self._pending) in (1, self.flush_every):  # the writer's clock starts, or it is due
                self._cond.notify_all()
        return f"prediction:{prediction.name}@{prediction.version}"

    def flush(self) -> None:
        """Wait until every prediction logged so far is written, or raise PredictionsNotRecorded."""
        with self._cond:
            self._flushes += 1
            self._cond.notify_all()
            try:
                self._cond.wait_for(lambda: not self._pending and not self._in_flight)
            finally:
                self._flushes -= 1
            self._raise_failure()

    def close(self) -> None:
        """Write what is left, stop the writer, and raise PredictionsNotRecorded for what could not be
        written. Closing again does nothing."""
        atexit.unregister(self.close)
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._thread.join()
        with self._cond:
            self._raise_failure()

    def __enter__(self) -> PredictionLogger:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _raise_failure(self) -> None:
        """Called with the lock held: raise what failed since the last time, once."""
        if self._failure is None:
            return
        failed, cause = self._failed, self._failure
        self._failed, self._failure = [], None
        raise PredictionsNotRecorded(self.model_uid, failed, cause) from cause

    # --- the writer thread ----------------------------------------------------------------------

    def _due(self) -> bool:
        if not self._pending:
            return False
        waited = time.monotonic() - self._oldest
        return (
            self._closed or self._flushes > 0 or len(self._pending) >= self.flush_every
            or waited >= self.flush_seconds
        )  # fmt: skip

    def _write_loop(self) -> None:
        while True:
            with self._cond:
                while not self._due():
                    if self._closed and not self._pending:
                        return
                    wait = self._oldest + self.flush_seconds - time.monotonic() if self._pending else None
                    self._cond.wait(wait)
                batch = self._pending[: self.max_batch]
                del self._pending[: self.max_batch]
                self._in_flight = len(batch)  # what is left keeps its (older) clock
            error = self._write(batch)
            with self._cond:
                self._in_flight = 0
                if error is not None:
                    self._failed.extend(batch)
                    self._failure = error
                self._cond.notify_all()

    def _write(self, batch: list[Prediction]) -> BaseException | None:
        """Write one batch, trying again with backoff while the store is unavailable; the error that
        stopped it, or None."""
        attempt = 0
        while True:
            try:
                self._target.record_predictions(self.model_uid, batch)
                return None
            except StoreUnavailable as exc:
                if attempt == self.retries:
                    return exc
            except BaseException as exc:  # anything else will not pass on a retry; never lose it silently
                return exc
            time.sleep(self.backoff * 2**attempt)
            attempt += 1


def _digest(features: Any) -> str:
    return "sha256:" + hashlib.sha256(canonical_json(features).encode()).hexdigest()
