"""A recording HTTP proxy in front of an emulator (s3rver): every request is recorded as `record(method,
headers)` returns it, then forwarded with the headers `rewrite(headers)` returns, since s3rver knows one access
key id and no Bearer token. Subclasses say what to keep and what to change."""
import http.client
import http.server
import threading
from urllib.parse import urlsplit

HOP_BY_HOP = ("connection", "transfer-encoding")


class RecordingProxy(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, upstream):
        super().__init__(("127.0.0.1", 0), _Forwarder)
        self.upstream = urlsplit(upstream).netloc
        self.seen = []
        self.lock = threading.Lock()

    def record(self, method, headers):
        return (method,)

    def rewrite(self, headers):
        return headers

    def rows(self):
        with self.lock:
            return list(self.seen)

    def start(self):
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def close(self):
        self.shutdown()
        self.server_close()


class _Forwarder(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def forward(self):
        with self.server.lock:
            self.server.seen.append(self.server.record(self.command, self.headers))
        body = self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))
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
