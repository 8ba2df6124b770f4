"""A proxy in front of s3rver that enforces the conditional writes s3rver ignores, so the keeper's
compare-and-swap can be tested: on PUT and DELETE, If-None-Match: * and If-Match: <etag> (S3: the ETag read
from s3rver with a HEAD) and x-goog-if-generation-match (GCS: a generation counter of its own per object,
answered as x-goog-generation on GET, HEAD and PUT). A refused precondition is 412 PreconditionFailed. The
ETag of each write made through the proxy is kept, so a conditional write costs s3rver no HEAD (every writer
of the proxy's objects goes through it).
Fault injection: fail(status, method, contains, times, after) lets `after` matching requests through, then
answers `status` to the next `times` instead of forwarding them. Checks and writes run under one lock, so two racing writes are ordered."""
import http.client
import http.server
import threading
from urllib.parse import urlsplit

from background_server import BackgroundServer

HOP_BY_HOP = ("connection", "transfer-encoding", "content-length")
ERROR_BODY = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>{code}</Message></Error>"


class EnforcingProxy(BackgroundServer):
    def __init__(self, upstream):
        super().__init__(_Handler)
        self.upstream = urlsplit(upstream).netloc
        self.lock = threading.Lock()
        self.conn = None  # to s3rver, kept open
        self.generations = {}  # object path -> GCS generation (absent = no live object as far as we know)
        self.etags = {}  # object path -> the ETag of its last write through here (None: deleted; absent: ask s3rver)
        self.next_generation = 1
        self.faults = []  # [status, method, contains, times left, passes left]
        self.answered = []  # (method, path, status) of every injected fault
        self.refused = []  # (method, path) of every refused precondition

    def fail(self, status, method=None, contains="", times=1, after=0):
        with self.lock:
            self.faults.append([status, method, contains, times, after])

    # ---- under the lock ----

    def take_fault(self, method, path):
        for f in self.faults:
            status, m, contains, times, after = f
            if times > 0 and (m is None or m == method) and contains in path:
                if after > 0:
                    f[4] -= 1
                    continue
                f[3] -= 1
                self.answered.append((method, path, status))
                return status
        return None

    def upstream_call(self, method, path, body=b"", headers=None):
        """One request to s3rver on the connection kept open (calls are serialised by the lock), a new one when
        s3rver closed it."""
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.upstream, timeout=20)
            try:
                self.conn.request(method, path, body=body, headers=headers or {})
                r = self.conn.getresponse()
                return r.status, r.getheaders(), r.read()
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise

    def precondition_holds(self, path, headers):
        """False when the request's precondition does not hold for the object as it is now."""
        path = path.split("?", 1)[0]
        goog = headers.get("x-goog-if-generation-match")
        if goog is not None:
            return str(self.generations.get(path, 0)) == goog
        if headers.get("If-None-Match") is None and headers.get("If-Match") is None:
            return True
        if path in self.etags:
            etag = self.etags[path]
        else:
            status, got, _ = self.upstream_call("HEAD", path)
            etag = dict((k.lower(), v) for k, v in got).get("etag") if status == 200 else None
        if headers.get("If-None-Match") == "*" and etag is not None:
            return False
        if headers.get("If-Match") is not None and headers.get("If-Match") != etag:
            return False
        return True

    def after_write(self, method, path, status, headers):
        path = path.split("?", 1)[0]
        if status // 100 != 2:
            self.etags.pop(path, None)  # whatever happened, HEAD tells next time
            return
        if method == "DELETE":
            self.generations.pop(path, None)
            self.etags[path] = None
        elif method == "PUT":
            self.generations[path] = self.next_generation
            self.next_generation += 1
            self.etags[path] = dict((k.lower(), v) for k, v in headers).get("etag")


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # The head and the body of an answer are two writes: with Nagle the body waits for the client's delayed
    # ACK of the head, 40 ms per request, which made every keeper cycle through the proxy seconds long.
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def answer(self, status, headers, data):
        self.send_response(status)
        for k, v in headers:
            if k.lower() not in HOP_BY_HOP:
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def error(self, status, code):
        self.answer(status, [("Content-Type", "application/xml")], ERROR_BODY.format(code=code).encode())

    def handle_any(self):
        srv = self.server
        body = self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        with srv.lock:
            fault = srv.take_fault(self.command, self.path)
            if fault is None and self.command in ("PUT", "DELETE") and not srv.precondition_holds(self.path, self.headers):
                srv.refused.append((self.command, self.path))
                fault = 412
            if fault is None:
                status, got, data = srv.upstream_call(self.command, self.path, body, headers)
                if self.command in ("PUT", "DELETE"):
                    srv.after_write(self.command, self.path, status, got)
                generation = srv.generations.get(self.path.split("?", 1)[0])
        if fault is not None:
            return self.error(fault, "PreconditionFailed" if fault == 412 else "InternalError")
        if generation is not None and self.command in ("GET", "HEAD", "PUT"):
            got = got + [("x-goog-generation", str(generation))]
        self.answer(status, got, data)

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = handle_any
