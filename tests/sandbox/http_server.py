"""A small HTTP server for the http.request fixtures and test_broker: prints
its port, then serves until killed. Listens on 127.0.0.1 only."""
import base64
import email.parser
import email.policy
import email.utils
import http.server
import json
import threading
import time
import urllib.parse

PNG = b"\x89PNG\r\n\x1a\n\x00\x01"

# Feeds for feed.read, by name: /feed/NAME.
FEEDS = {
    "rss": ("application/rss+xml", """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Release notes</title><link>https://example.org/news</link>
<item><title>Axon 1.2 &amp; more</title><link>https://example.org/news/12</link>
<guid isPermaLink="false">news-12</guid><pubDate>Wed, 02 Dec 2026 09:30:00 +0100</pubDate>
<description><![CDATA[<p>Short</p>]]></description><content:encoded><![CDATA[<p>Long <b>text</b></p>]]></content:encoded>
<dc:creator>Ada</dc:creator><category>release</category><category>news</category></item>
<item><title>Axon 1.1</title><link>https://example.org/news/11</link><pubDate>Sun, 1 Nov 26 08:00 GMT</pubDate></item>
</channel></rss>"""),
    "atom": ("application/atom+xml", """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Changes</title>
<link rel="self" href="https://example.org/atom.xml"/><link href="https://example.org/"/>
<entry><id>urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</id><title type="text">Café opens</title>
<link rel="alternate" href="https://example.org/cafe"/><published>2026-12-01T23:30:00-02:00</published>
<updated>2026-12-02T10:00:00.250Z</updated><summary>Coffee</summary><content type="html">&lt;p&gt;Coffee&lt;/p&gt;</content>
<author><name>Bea</name></author><category term="food"/></entry>
</feed>"""),
    "xxe": ("application/rss+xml", """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>x&secret;y</title></channel></rss>"""),
    "html": ("text/html", "<html><body>not a feed</body></html>"),
    "broken": ("application/rss+xml", "<rss><channel><title>unclosed</channel></rss>"),
}


class Handler(http.server.BaseHTTPRequestHandler):
    # Every X-Api-Key and Authorization header received, for /seen.
    seen = []
    # Requests to /flaky by key, for its first failures.
    hits = {}

    def reply(self, status, body, ctype="text/plain", extra=None):
        data = body if isinstance(body, bytes) else body.encode()
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
        elif url.path == "/query":
            # The query string as it arrived.
            self.reply(200, url.query)
        elif url.path.startswith("/feed/"):
            ctype, text = FEEDS[url.path[6:]]
            self.reply(200, text, ctype)
        elif url.path == "/png":
            self.reply(200, PNG, "image/png")
        elif url.path.startswith("/items/"):
            self.items(url.path[7:], query)
        elif url.path == "/flaky":
            # /flaky?key=K&fails=N&after=A: the first N requests of key K
            # answer 429 with Retry-After: A ("date" for an HTTP date now,
            # "none" for no header); &status=503 for 503 instead.
            key = query["key"][0]
            Handler.hits[key] = Handler.hits.get(key, 0) + 1
            if Handler.hits[key] <= int(query["fails"][0]):
                after = query.get("after", ["1"])[0]
                extra = {} if after == "none" else {
                    "Retry-After": email.utils.formatdate(usegmt=True) if after == "date" else after}
                self.reply(int(query.get("status", ["429"])[0]), "try later", extra=extra)
            else:
                self.reply(200, "ok after %d" % (Handler.hits[key] - 1))
        elif self.path == "/hello":
            self.reply(200, "hello\n")
        elif self.path == "/auth":
            self.reply(200, self.headers.get("Authorization", "none"))
        elif self.path == "/to-hello":
            self.reply(302, "", extra={"Location": "/hello"})
        elif self.path == "/to-private":
            self.reply(302, "", extra={"Location": "http://10.255.255.1/"})
        elif url.path == "/slow":
            # After 3 s, or ?s=N seconds.
            time.sleep(int(query.get("s", ["3"])[0]))
            self.reply(200, "late")
        elif self.path == "/hold":
            # Answers once /release was asked for (or after 120 s): a step
            # that goes on for as long as a test needs it to.
            RELEASED.wait(120)
            self.reply(200, "released")
        elif self.path == "/release":
            RELEASED.set()
            self.reply(200, "released")
        else:
            self.reply(404, "not found")

    def items(self, how, query):
        """Three pages of two items each, asked for as /items/HOW."""
        host = "http://127.0.0.1:%d" % self.server.server_address[1]
        if how == "link":
            # The first page's next link is absolute, the second's relative.
            n = int(query.get("page", ["1"])[0])
            links = {1: host + "/items/link?page=2", 2: "/items/link?page=3"}
            extra = {"Link": '<%s>; rel="next", <%s/items/link?page=3>; rel="last"' % (links[n], host)} if n in links else {}
            self.reply(200, json.dumps([n * 10 + 1, n * 10 + 2]), "application/json", extra)
        elif how == "elsewhere":
            self.reply(200, "[1]", "application/json",
                       {"Link": '<http://localhost:%d/items/link?page=2>; rel="next"' % self.server.server_address[1]})
        elif how == "page":
            n = int(query["p"][0])
            self.reply(200, json.dumps({"data": [n * 10 + 1, n * 10 + 2] if n <= 3 else []}), "application/json")
        elif how == "cursor":
            cursors = {"": ("b", [1, 2]), "b": ("c", [3, 4]), "c": (None, [5, 6])}
            nxt, data = cursors[query.get("after", [""])[0]]
            self.reply(200, json.dumps({"data": data, "meta": {"next": nxt}}), "application/json")
        else:
            self.reply(404, "not found")

    def do_POST(self):
        if self.path.startswith("/feed-set/"):
            # /feed-set/NAME: what /feed/NAME answers from now on (a feed that changes).
            n = int(self.headers.get("Content-Length", "0"))
            FEEDS[self.path[10:]] = (self.headers.get("Content-Type", "application/rss+xml"), self.rfile.read(n).decode())
            self.reply(204, "")
            return
        if self.path == "/fields":
            # A form or multipart body, read back as {name: value}, a file as
            # {"filename", "type", "base64"}.
            n = int(self.headers.get("Content-Length", "0"))
            data = self.rfile.read(n)
            ctype = self.headers.get("Content-Type", "")
            if ctype.startswith("multipart/form-data"):
                msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
                    b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + data)
                fields = {}
                for part in msg.iter_parts():
                    name = part.get_param("name", header="content-disposition")
                    payload = part.get_payload(decode=True)
                    if part.get_filename():
                        fields[name] = {"filename": part.get_filename(), "type": part.get_content_type(),
                                        "base64": base64.b64encode(payload).decode()}
                    else:
                        fields[name] = payload.decode()
            else:
                fields = {"content-type": ctype, "raw": data.decode()}
            self.reply(200, json.dumps(fields, sort_keys=True), "application/json")
            return
        n = int(self.headers.get("Content-Length", "0"))
        self.reply(200, self.rfile.read(n).decode(), self.headers.get("Content-Type", "text/plain"))

    def log_message(self, *args):
        pass

    def version_string(self):
        return "test"

    def date_time_string(self, timestamp=None):
        return "today"


RELEASED = threading.Event()
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
