"""Whether this worker is draining: told by the launcher (`serve.py`) that it is to stop, it
reports not ready while it goes on serving, so that load balancers stop sending it requests
before it stops accepting them."""

from multiprocessing.synchronize import Event

# The launcher's signal to drain, shared by every worker it starts; None outside the launcher.
_drain: Event | None = None


def follow(drain: Event | None) -> None:
    """Drain from the moment `drain` is set; with None, never."""
    global _drain
    _drain = drain


def draining() -> bool:
    return _drain is not None and _drain.is_set()
