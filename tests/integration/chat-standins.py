"""Stand-ins of the chat APIs for the chat.post tests, on 127.0.0.1, each
answering as the real one documents it:
  POST /api/chat.postMessage       Slack Web API (Authorization: Bearer TOKEN)
  POST /services/T/B/X             a Slack incoming webhook
  POST /api/webhooks/ID/TOKEN      a Discord webhook (?wait=true: the message)
  POST /hooks/KEY                  a Mattermost incoming webhook
  POST /botTOKEN/sendMessage       Telegram Bot API
GET /seen gives every request received: [{"path", "authorization", "body"}].
Prints its port, then serves until killed.

    python3 chat-standins.py SLACK_TOKEN TELEGRAM_TOKEN
"""
import http.server
import json
import sys
import urllib.parse

SLACK_TOKEN, TELEGRAM_TOKEN = sys.argv[1:3]


class Handler(http.server.BaseHTTPRequestHandler):
    seen = []

    def answer(self, status, body, ctype="application/json"):
        data = (json.dumps(body) if ctype == "application/json" else body).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.answer(200, Handler.seen)

    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        Handler.seen.append({"path": self.path, "authorization": self.headers.get("Authorization"),
                             "content_type": self.headers.get("Content-Type"), "body": body})
        if body is None:
            self.answer(400, {"ok": False, "error": "invalid_json"})
        elif url.path == "/api/chat.postMessage":
            if self.headers.get("Authorization") != "Bearer " + SLACK_TOKEN:
                self.answer(200, {"ok": False, "error": "invalid_auth"})
            elif body.get("channel") != "C0123456789":
                self.answer(200, {"ok": False, "error": "channel_not_found"})
            else:
                self.answer(200, {"ok": True, "channel": body["channel"], "ts": "1700000000.000100",
                                  "message": {"text": body["text"]}})
        elif url.path.startswith("/services/"):
            self.answer(200, "ok", "text/html")
        elif url.path.startswith("/api/webhooks/"):
            if url.query == "wait=true":
                self.answer(200, {"id": "1180000000000000001", "channel_id": "1170000000000000002",
                                  "content": body.get("content")})
            else:
                self.send_response(204)
                self.end_headers()
        elif url.path.startswith("/hooks/"):
            self.answer(200, "ok", "text/plain")
        elif url.path == "/bot%s/sendMessage" % TELEGRAM_TOKEN:
            self.answer(200, {"ok": True, "result": {"message_id": 7, "chat": {"id": body.get("chat_id")},
                                                     "text": body.get("text")}})
        elif url.path.startswith("/bot"):
            self.answer(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
        else:
            self.answer(404, {"ok": False, "error": "not found"})

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
