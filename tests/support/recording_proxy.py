"""A recording HTTP proxy in front of an emulator (s3rver, azurite): every request is recorded as
`record(method, headers)` returns it, then forwarded with the headers `rewrite(headers)` returns, since s3rver
knows one access key id and no Bearer token. Subclasses say what to keep and what to change, and may inject
faults: `intercept(method, path)` returns None (forward), an HTTP status such as 500 or 403 (answered with an
XML error after reading the body, not forwarded) or "drop" (read part of the body, then reset the connection); `forwarding(method, path)` is a context manager
around each forwarded request (to count requests in flight)."""
import contextlib
import http.client
import http.server
import socket
import struct
import threading
from urllib.parse import urlsplit

from background_server import BackgroundServer

HOP_BY_HOP = ("connection", "transfer-encoding")


class RecordingProxy(BackgroundServer):
    def __init__(self, upstream):
        super().__init__(_Forwarder)
        self.upstream = urlsplit(upstream).netloc
        self.seen = []
        self.lock = threading.Lock()

    def record(self, method, headers):
        return (method,)

    def rewrite(self, headers):
        return headers

    def intercept(self, method, path):
        return None

    def forwarding(self, method, path):
        return contextlib.nullcontext()

    def rows(self):
        with self.lock:
            return list(self.seen)


class _Forwarder(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def forward(self):
        with self.server.lock:
            self.server.seen.append(self.server.record(self.command, self.headers))
        fault = self.server.intercept(self.command, self.path)
        if fault == "drop":
            return self.drop()
        body = self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))
        if fault is not None:
            return self.injected_error(fault)
        with self.server.forwarding(self.command, self.path):
            self.relay(body)

    def drop(self):
        """Reads at most 64 KiB of the body, then resets the connection mid-body."""
        self.rfile.read(min(64 * 1024, int(self.headers.get("Content-Length", 0) or 0)))
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # RST
        self.close_connection = True

    def injected_error(self, status):
        code = b"InternalError" if status >= 500 else b"AccessDenied"
        data = b"<Error><Code>" + code + b"</Code><Message>injected</Message></Error>"
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def relay(self, body):
        headers = self.server.rewrite({k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP})
        conn = http.client.HTTPConnection(self.server.upstream, timeout=20)
        conn.request(self.command, self.path, body=body, headers=headers)
        r = conn.getresponse()
        data = r.read()
        self.send_response(r.status)
        for k, v in r.getheaders():
            if k.lower() not in HOP_BY_HOP + ("content-length",):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        conn.close()

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = forward
