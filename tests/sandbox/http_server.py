"""A small HTTP server for the http.request fixtures and test_broker: prints
its port, then serves until killed. Listens on 127.0.0.1 only."""
import http.server
import time
import urllib.parse


class Handler(http.server.BaseHTTPRequestHandler):
    # Every X-Api-Key and Authorization header received, for /seen.
    seen = []

    def reply(self, status, body, ctype="text/plain", extra=None):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        for h in ("X-Api-Key", "Authorization"):
            if h in self.headers:
                Handler.seen.append("%s %s: %s" % (url.path, h, self.headers[h]))
        if url.path == "/redirect":
            # /redirect?to=URL&status=N: a redirect anywhere.
            self.reply(int(query.get("status", ["302"])[0]), "", extra={"Location": query["to"][0]})
        elif url.path == "/seen":
            self.reply(200, "".join(line + "\n" for line in Handler.seen))
        elif url.path == "/bytes":
            # /bytes?n=N: N bytes with a Content-Length; &stream=1 without
            # one, the end of the body being the end of the connection.
            n = int(query["n"][0])
            if "stream" in query:
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"x" * n)
            else:
                self.reply(200, "x" * n)
        elif self.path == "/hello":
            self.reply(200, "hello\n")
        elif self.path == "/auth":
            self.reply(200, self.headers.get("Authorization", "none"))
        elif self.path == "/to-hello":
            self.reply(302, "", extra={"Location": "/hello"})
        elif self.path == "/to-private":
            self.reply(302, "", extra={"Location": "http://10.255.255.1/"})
        elif self.path == "/slow":
            time.sleep(3)
            self.reply(200, "late")
        else:
            self.reply(404, "not found")

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        self.reply(200, self.rfile.read(n).decode(), self.headers.get("Content-Type", "text/plain"))

    def log_message(self, *args):
        pass

    def version_string(self):
        return "test"

    def date_time_string(self, timestamp=None):
        return "today"


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
