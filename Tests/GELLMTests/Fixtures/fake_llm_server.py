"""A fake LLM server for the LLM worker's tests.

Speaks the OpenAI chat-completions and Gemini generateContent APIs. The model
name picks the behaviour; POST /log returns every request received. Prints its
port on the first line of stdout.
"""
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

GOOD = "Here is the change:\n```python\nclass A:\n    x = 2\n```\nIt should help."
calls = {}
log = []
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, status, body, content_type="application/json", headers=None):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        with lock:
            self.reply(200, json.dumps(log))

    def do_POST(self):
        if self.path == "/log":
            return self.do_GET()
        length = int(self.headers.get("Content-Length", 0))
        body = json.loads(self.rfile.read(length) or b"{}")
        gemini = ":generateContent" in self.path
        model = self.path.split("/models/")[1].split(":")[0] if gemini else body.get("model", "")
        with lock:
            calls[model] = calls.get(model, 0) + 1
            count = calls[model]
            log.append({"path": self.path, "model": model, "body": body,
                        "authorization": self.headers.get("Authorization"),
                        "goog_key": self.headers.get("x-goog-api-key")})

        def answer(text):
            if gemini:
                return json.dumps({"candidates": [{"content": {"parts": [{"text": text}], "role": "model"}}],
                                   "usageMetadata": {"promptTokenCount": 90, "candidatesTokenCount": 30,
                                                     "thoughtsTokenCount": 12, "totalTokenCount": 132}})
            usage = {"prompt_tokens": 120, "completion_tokens": 40, "total_tokens": 160}
            if model == "hostile-usage":
                usage = {"prompt_tokens": -5, "completion_tokens": 1e30}
            if model == "no-usage":
                return json.dumps({"choices": [{"message": {"role": "assistant", "content": text}}]})
            return json.dumps({"choices": [{"message": {"role": "assistant", "content": text}}], "usage": usage})

        if model == "ratelimit" and count == 1:
            return self.reply(429, json.dumps({"error": {"message": "slow down", "code": "rate_limit"}}),
                              headers={"Retry-After": "1"})
        if model == "flaky" and count == 1:
            return self.reply(500, "Internal Server Error", "text/plain")
        if model == "down":
            return self.reply(503, json.dumps({"error": "overloaded"}))
        if model == "slow":
            time.sleep(3)
        if model == "garbage":
            return self.reply(200, "<html>oops</html>", "text/html")
        if model == "nocode":
            return self.reply(200, answer("I would increase x to 2."))
        if model == "syntax":
            return self.reply(200, answer("```python\nclass A:\n    x = = 2\n```"))
        if model == "context":
            return self.reply(400, json.dumps({"error": {
                "message": "This model's maximum context length is 4096 tokens.",
                "code": "context_length_exceeded"}}))
        if model == "forbidden":
            return self.reply(401, json.dumps({"error": {"message": "Invalid API key provided"}}))
        return self.reply(200, answer(GOOD))


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
