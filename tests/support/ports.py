"""A free TCP port on the loopback interface, for a server a test or a bench starts."""

import socket


def free_port() -> int:
    """A port nothing listens on now. The kernel may hand it out again once
    this socket closes, so the server should bind it soon after."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
