"""A discarding S3 endpoint for the snapshot bench: answers the calls the S3 storage makes (PutObject,
multipart create / part / complete / abort, ListObjectsV2, DeleteObject) like S3, keeps no object bytes, and
hashes what it receives in object order so the bench can check the upload saw the right bytes. Parts that
arrive ahead of their turn wait in memory (at most the daemon's parts in flight)."""
import hashlib
import http.server
import threading
import time
from urllib.parse import parse_qsl, urlsplit

from background_server import BackgroundServer

CHUNK = 1 << 20


class Upload:
    def __init__(self, key, meta_sha):
        self.key = key
        self.meta_sha = meta_sha
        self.hash = hashlib.sha256()
        self.size = 0
        self.next_part = 1
        self.waiting = {}  # part number -> bytes, for parts that came before their predecessors

    def add(self, number, data):
        """Takes part `number` and hashes every part that is now next in order."""
        self.waiting[number] = data
        while self.next_part in self.waiting:
            chunk = self.waiting.pop(self.next_part)
            self.hash.update(chunk)
            self.size += len(chunk)
            self.next_part += 1


class Sink(BackgroundServer):
    def __init__(self):
        self.lock = threading.Lock()
        self.uploads = {}
        self.objects = {}  # key -> (size, sha256 hex of the bytes received, x-amz-meta-sha256)
        self.part_requests = 0
        super().__init__(SinkHandler)


class SinkHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _body(self, into=None):
        """Reads the request body; hashes it into `into` as it streams, or returns it whole."""
        length = int(self.headers.get("Content-Length") or 0)
        parts = []
        while length:
            chunk = self.rfile.read(min(CHUNK, length))
            if not chunk:
                raise ConnectionError("body cut short")
            length -= len(chunk)
            if into is not None:
                into.update(chunk)
            else:
                parts.append(chunk)
        return b"".join(parts)

    def _reply(self, status=200, payload=b"", headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _key(self):
        return urlsplit(self.path).path.split("/", 2)[2] if self.path.count("/") >= 2 else ""

    def do_PUT(self):
        query = dict(parse_qsl(urlsplit(self.path).query, keep_blank_values=True))
        srv = self.server
        if "partNumber" in query:
            body = self._body()
            with srv.lock:
                srv.part_requests += 1
                srv.uploads[query["uploadId"]].add(int(query["partNumber"]), body)
            etag = '"%s"' % hashlib.md5(query["partNumber"].encode()).hexdigest()
            return self._reply(headers=[("ETag", etag)])
        h = hashlib.sha256()
        size = int(self.headers.get("Content-Length") or 0)
        self._body(into=h)
        with srv.lock:
            srv.objects[self._key()] = (size, h.hexdigest(), self.headers.get("x-amz-meta-sha256"))
        self._reply(headers=[("ETag", '"whole"')])

    def do_POST(self):
        query = dict(parse_qsl(urlsplit(self.path).query, keep_blank_values=True))
        srv = self.server
        self._body()
        if "uploads" in query:
            with srv.lock:
                upload_id = f"up-{len(srv.uploads) + 1}"
                srv.uploads[upload_id] = Upload(self._key(), self.headers.get("x-amz-meta-sha256"))
            return self._reply(payload=(f"<InitiateMultipartUploadResult><UploadId>{upload_id}</UploadId>"
                                        "</InitiateMultipartUploadResult>").encode())
        with srv.lock:
            up = srv.uploads.pop(query["uploadId"])
            assert not up.waiting, "completed with parts missing"
            srv.objects[up.key] = (up.size, up.hash.hexdigest(), up.meta_sha)
        self._reply(payload=b"<CompleteMultipartUploadResult><ETag>\"x\"</ETag></CompleteMultipartUploadResult>")

    def do_DELETE(self):
        query = dict(parse_qsl(urlsplit(self.path).query, keep_blank_values=True))
        with self.server.lock:
            if "uploadId" in query:
                self.server.uploads.pop(query["uploadId"], None)
            else:
                self.server.objects.pop(self._key(), None)
        self._reply(204)

    def do_GET(self):
        now = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
        with self.server.lock:
            contents = "".join(f"<Contents><Key>{k}</Key><Size>{v[0]}</Size><LastModified>{now}</LastModified>"
                               "</Contents>" for k, v in self.server.objects.items())
        self._reply(payload=f"<ListBucketResult><IsTruncated>false</IsTruncated>{contents}</ListBucketResult>"
                    .encode())
