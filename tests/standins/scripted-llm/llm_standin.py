"""A language model stand-in for the AI block tests: deterministic answers in
both protocols, OpenAI-compatible server-sent events (POST
/v1/chat/completions) and Ollama's NDJSON (POST /api/chat), and embeddings
(POST /v1/embeddings, /api/embed). Listens on
127.0.0.1 on a free port, prints the port, serves until killed.

The model name picks the script:
  echo          "echo: " and the last user message (the default), and the
                start of each image it carries
  chunky        "Hello, wörld! ☃ 😀", the body cut in pieces in the middle of
                "data:", of JSON values and of UTF-8 characters
  tools         a tool call whose name and arguments come in fragments
  agent         the first tool offered, called with {"city": "Lyon"} in
                fragments; once a tool has answered, "The tool said: " and
                its answer
  agent-loop    the first tool offered, every time
  agent-stranger  a tool nobody offered (no_such_tool) first; then as agent
  json-fix      invalid JSON first; valid JSON once asked again
  schema-miss   JSON missing a required field first; then complete
  always-bad    invalid JSON every time
  busy          429 with Retry-After: 1 the first time a prompt is seen
  down          503 every time
  dropped       a few pieces of text, then the connection is cut
  slow          the first token after 1.5 s
  trickle       "The cell cycle has four phases: G1, S, G2 and M." a word
                at a time, each event 0.4 s after the one before
  plain         "not streamed", as one JSON answer although a stream was asked
  classify      {"category", "confidence", "reason"}: the first category
                of the system prompt's list ("Categories: a, b, c") that the
                user message names, else the last one
  auth          "key ok" if the Authorization header is "Bearer " and the
                key given as the first argument, else "no key"
  flashcards    {"cards": [{"front", "back"}]}, one card per sentence of the
                user message after "Chapter:"
  quiz          {"questions": [{"question", "answer"}]}, likewise after "Notes:"
Every answer reports usage: tokens in = words of the prompt, tokens out =
pieces sent. An embedding has 4 dimensions: per word (lower case, letters
only), its letters' code points summed modulo 4 picks the dimension it
counts in; the counts are divided by the vector's length. GET /seen lists the requests' model and message count."""
import http.server
import json
import re
import socketserver
import sys
import time

KEY = sys.argv[1] if len(sys.argv) > 1 else ""
SEEN = []
BUSY_SEEN = set()


def text_of(content):
    """A message's text: OpenAI's content parts joined, or the content."""
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if p.get("type") == "text")
    return str(content)


def images_of(message):
    """The images a message carries: OpenAI's image_url parts, or Ollama's images."""
    content = message.get("content")
    parts = [p["image_url"]["url"] for p in content if p.get("type") == "image_url"] if isinstance(content, list) else []
    return parts + message.get("images", [])


def last_user(messages):
    for m in reversed(messages):
        if m.get("role") == "user":
            return text_of(m.get("content", ""))
    return ""


def system(messages):
    return " ".join(str(m.get("content", "")) for m in messages if m.get("role") == "system")


def asked_again(messages):
    return any(m.get("role") == "assistant" for m in messages)


def classify(messages):
    match = re.search(r"Categories: ([^\n]*)", system(messages))
    names = [c.strip() for c in match.group(1).split(",")] if match else ["other"]
    text = last_user(messages).lower()
    chosen = next((c for c in names if c.lower() in text), names[-1])
    return json.dumps({"category": chosen, "confidence": 0.9 if chosen.lower() in text else 0.4,
                       "reason": "the message mentions %s" % chosen if chosen.lower() in text else "nothing matched"})


def sentences_after(messages, marker):
    text = last_user(messages).split(marker, 1)[-1]
    return [" ".join(s.split()) for s in re.split(r"[.!?]\s*", text) if s.strip()]


def flashcards(messages):
    return json.dumps({"cards": [{"front": "What about %s?" % " ".join(s.split()[:2]).lower(), "back": s + "."}
                                 for s in sentences_after(messages, "Chapter:")]}, ensure_ascii=False)


def quiz(messages):
    return json.dumps({"questions": [{"question": "What about %s?" % " ".join(s.split()[:2]).lower(), "answer": s + "."}
                                     for s in sentences_after(messages, "Notes:")]}, ensure_ascii=False)


CITY_ARGS = ["{\"ci", "ty\": \"Ly", "on\"}"]


def chunks(text):
    return [text[i:i + 7] for i in range(0, len(text), 7)]


def agent(model, messages, tools):
    answered = [text_of(m.get("content", "")) for m in messages if m.get("role") == "tool"]
    offered = tools[0]["function"]["name"] if tools else "none"
    if model == "agent-loop" or not answered:
        return [], ("no_such_tool" if model == "agent-stranger" else offered, CITY_ARGS), 0
    return chunks("The tool said: " + answered[-1]), None, 0


def script(model, messages, headers, tools):
    """(text pieces, (tool name, argument fragments) or None, delay before the first piece)"""
    if model == "chunky":
        return ["Hel", "lo, w", "\u00f6rld! \u2603", " \U0001F600"], None, 0
    if model == "tools":
        return [], ("look_up", CITY_ARGS), 0
    if model.startswith("agent"):
        return agent(model, messages, tools)
    if model == "json-fix":
        return (["{\"title\": \"Cells\", \"cards\": 2}"] if asked_again(messages)
                else ["Sure! Here it is: {title: Cells"]), None, 0
    if model == "schema-miss":
        return (["{\"title\": \"Cells\", \"cards\": 2}"] if asked_again(messages)
                else ["{\"title\": \"Cells\"}"]), None, 0
    if model == "always-bad":
        return ["not JSON, sorry"], None, 0
    if model == "slow":
        return ["late ", "but here"], None, 1.5
    if model == "trickle":
        return [w + " " for w in "The cell cycle has four phases: G1, S, G2 and M.".split()], None, 0
    if model == "classify":
        return [classify(messages)], None, 0
    if model == "auth":
        return ["key ok" if KEY and headers.get("Authorization") == "Bearer " + KEY else "no key"], None, 0
    if model == "flashcards":
        return [flashcards(messages)], None, 0
    if model == "quiz":
        return [quiz(messages)], None, 0
    if model == "dropped":
        return ["This answer ", "will never ", "end"], None, 0
    text = "echo: " + last_user(messages)
    users = [m for m in messages if m.get("role") == "user"]
    images = images_of(users[-1]) if users else []
    if images:
        text += " [images: %s]" % ", ".join(i[:40] for i in images)
    return chunks(text), None, 0


def embedding(text):
    counts = [0.0] * 4
    for word in re.findall(r"[a-z]+", text.lower()):
        counts[sum(map(ord, word)) % 4] += 1
    norm = sum(c * c for c in counts) ** 0.5 or 1
    return [round(c / norm, 6) for c in counts]


def openai_events(model, pieces, tool, usage):
    events = [{"model": model, "choices": [{"index": 0, "delta": {"role": "assistant", "content": p}}]} for p in pieces]
    if tool is not None:
        name, args = tool
        half = len(name) // 2
        events.append({"model": model, "choices": [{"index": 0, "delta": {"tool_calls": [
            {"index": 0, "id": "call_1", "type": "function", "function": {"name": name[:half], "arguments": args[0]}}]}}]})
        events += [{"model": model, "choices": [{"index": 0, "delta": {"tool_calls": [
            {"index": 0, "function": {"name": name[half:] if i == 0 else "", "arguments": a}}]}}]}
            for i, a in enumerate(args[1:])]
    events.append({"model": model, "choices": [{"index": 0, "delta": {},
                   "finish_reason": "tool_calls" if tool is not None else "stop"}]})
    events.append({"model": model, "choices": [], "usage": {"prompt_tokens": usage[0], "completion_tokens": usage[1]}})
    body = "".join("data: %s\n\n" % json.dumps(e, ensure_ascii=False) for e in events) + "data: [DONE]\n\n"
    return body.encode()


def ollama_lines(model, pieces, tool, usage):
    lines = [{"model": model, "message": {"role": "assistant", "content": p}, "done": False} for p in pieces]
    if tool is not None:
        lines.append({"model": model, "message": {"role": "assistant", "content": "", "tool_calls": [
            {"function": {"name": tool[0], "arguments": json.loads("".join(tool[1]))}}]}, "done": False})
    lines.append({"model": model, "message": {"role": "assistant", "content": ""}, "done": True,
                  "done_reason": "stop", "prompt_eval_count": usage[0], "eval_count": usage[1]})
    return "".join(json.dumps(l, ensure_ascii=False) + "\n" for l in lines).encode()


def awkward_cuts(body):
    """The body in pieces of 1 to 11 bytes, a fixed pattern: cuts fall in the
    middle of "data:", of JSON and of UTF-8 characters."""
    out, i, n = [], 0, 0
    while i < len(body):
        size = 1 + (n * 7) % 11
        out.append(body[i:i + size])
        i += size
        n += 1
    return out


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def plain(self, status, body, extra=None):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def do_GET(self):
        if self.path == "/seen":
            self.plain(200, SEEN)
        else:
            self.plain(404, {"error": "not here"})

    def do_POST(self):
        req = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
        model, messages = req.get("model", ""), req.get("messages", [])
        SEEN.append({"path": self.path, "model": model, "messages": len(messages),
                     "json": "response_format" in req or "format" in req, "tools": len(req.get("tools", []))})
        if self.path in ("/v1/embeddings", "/api/embed"):
            texts = req.get("input", [])
            vectors = [embedding(t) for t in texts]
            words = sum(len(t.split()) for t in texts)
            if self.path == "/api/embed":
                return self.plain(200, {"model": model, "embeddings": vectors, "prompt_eval_count": words})
            return self.plain(200, {"model": model, "data": [{"index": i, "embedding": v} for i, v in enumerate(vectors)],
                                    "usage": {"prompt_tokens": words}})
        ollama = self.path == "/api/chat"
        if self.path not in ("/v1/chat/completions", "/api/chat"):
            return self.plain(404, {"error": {"message": "no such path: " + self.path}})
        if model == "busy" and last_user(messages) not in BUSY_SEEN:
            BUSY_SEEN.add(last_user(messages))
            return self.plain(429, {"error": {"message": "slow down"}}, {"Retry-After": "1"})
        if model == "down":
            return self.plain(503, {"error": {"message": "the model is loading"}})
        if model == "plain":
            if ollama:
                return self.plain(200, {"model": model, "message": {"role": "assistant", "content": "not streamed"}, "done": True})
            return self.plain(200, {"model": model, "choices": [{"message": {"role": "assistant", "content": "not streamed"},
                                                                  "finish_reason": "stop"}]})
        pieces, tool, delay = script(model, messages, self.headers, req.get("tools", []))
        prompt = sum(len(text_of(m.get("content", "")).split()) for m in messages)
        usage = (prompt, max(len(pieces), 1))
        body = (ollama_lines if ollama else openai_events)(model, pieces, tool, usage)
        self.send_response(200)
        self.send_header("Content-Type", "application/x-ndjson" if ollama else "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        time.sleep(delay)
        cuts = awkward_cuts(body)
        pause = 0.002
        if model == "trickle":
            sep = b"\n" if ollama else b"\n\n"
            cuts, pause = [e + sep for e in body.split(sep) if e], 0.4
        if model == "dropped":
            cuts = cuts[:len(cuts) // 2]
        for piece in cuts:
            self.chunk(piece)
            time.sleep(pause)
        if model == "dropped":
            self.close_connection = True
            return
        self.wfile.write(b"0\r\n\r\n")


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


server = Server(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
