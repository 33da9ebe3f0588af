"""Log lines that say when, how grave and from where, whichever part of the service writes them."""

import logging
import time

_FORMAT = "%(asctime)s.%(msecs)03dZ %(levelname)s %(name)s: %(message)s"
_UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")


def configure_logging(level: int = logging.INFO) -> None:
    """Write every record to stderr as `<UTC time> <level> <logger>: <message>`, uvicorn's too.

    Leaves logging alone where something configured it already: a test runner, or uvicorn's
    `--log-config`.
    """
    root = logging.getLogger()
    if root.handlers:
        return
    formatter = logging.Formatter(_FORMAT, datefmt="%Y-%m-%dT%H:%M:%S")
    formatter.converter = time.gmtime
    handler = logging.StreamHandler()
    handler.setFormatter(formatter)
    root.addHandler(handler)
    root.setLevel(level)
    # uvicorn gives its loggers handlers of its own, without the time; route them through ours.
    # One without handlers inherits them, or is off (`--no-access-log`): left as it is.
    for name in _UVICORN_LOGGERS:
        logger = logging.getLogger(name)
        if logger.handlers:
            logger.handlers.clear()
            logger.propagate = True
