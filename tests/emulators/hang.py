"""A server that accepts every connection and never answers: the provider that hangs.

Point OLLAMA_BASE_URL or AWS_ENDPOINT_URL_BEDROCK_RUNTIME at `.url`. The connections stay open
(nothing is read or written) until the server stops, as a wedged load balancer or a model server
stuck loading would behave. `wait_for_connections(n)` lets a test wait on the condition "the
client reached the server" instead of sleeping.

    with HangServer() as hang:
        ...start a turn against hang.url...
        assert hang.wait_for_connections(1, timeout=30)
"""

from __future__ import annotations

import contextlib
import socket
import threading
from types import TracebackType
from typing import Self


class HangServer:
    """Listens on 127.0.0.1 and a free port; counts connections; never sends a byte."""

    def __init__(self) -> None:
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self._held: list[socket.socket] = []
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._accept, name="HangServer", daemon=True)
        self._stopping = False

    @property
    def connections(self) -> int:
        with self._changed:
            return len(self._held)

    def wait_for_connections(self, count: int, timeout: float) -> bool:
        """True once `count` connections arrived; False if `timeout` seconds pass first."""
        with self._changed:
            return self._changed.wait_for(lambda: len(self._held) >= count, timeout)

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return  # closed by stop()
            with self._changed:
                if self._stopping:
                    conn.close()
                    return
                self._held.append(conn)
                self._changed.notify_all()

    def start(self) -> Self:
        self._listener.listen(64)
        self._thread.start()
        return self

    def stop(self) -> None:
        with self._changed:
            self._stopping = True
            held, self._held = self._held, []
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        for conn in held:
            conn.close()
        self._thread.join(5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
