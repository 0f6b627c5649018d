"""A stand-in for an OpenAI-compatible server, for the tests: it answers a chat completion
with the first ```python block of the prompt, its `parameters = N` changed to a random value
(a new variant of the tiny seed). With --status it refuses every request instead: 401, 404,
or 400 with OpenAI's context_length_exceeded; or, with "nocode", answers without code; or, with
"same", answers with the code unchanged.

    python3 fake_openai.py --port PORT [--status 401|404|context|nocode|same]
"""
import argparse
import json
import random
import re
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--status", default="")
args = parser.parse_args()


class Handler(BaseHTTPRequestHandler):
    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path.rstrip("/").endswith("/models"):
            return self.reply(200, {"object": "list", "data": [{"id": "fake", "object": "model"}]})
        self.reply(404, {"error": {"message": "not found"}})

    def do_POST(self):
        request = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
        if args.status == "401":
            return self.reply(401, {"error": {"message": "Incorrect API key provided", "code": "invalid_api_key"}})
        if args.status == "404":
            return self.reply(404, {"error": {"message": "The model `fake` does not exist"}})
        if args.status == "context":
            return self.reply(400, {"error": {"message": "This model's maximum context length is 512 tokens",
                                              "code": "context_length_exceeded"}})
        if args.status == "nocode":
            return self.reply(200, {"choices": [{"message": {"role": "assistant", "content": "I would make it deeper."}}]})
        prompt = request["messages"][-1]["content"]
        block = re.search(r"```python\n(.*?)```", prompt, re.S)
        code = block.group(1) if block else ""
        if args.status != "same":
            code = re.sub(r"parameters = \d+", lambda _: f"parameters = {random.randint(1, 100000)}", code)
        self.reply(200, {"choices": [{"message": {"role": "assistant", "content": f"```python\n{code}```"}}],
                         "usage": {"prompt_tokens": 10, "completion_tokens": 10}})

    def log_message(self, *_):
        pass


ThreadingHTTPServer.allow_reuse_address = True
ThreadingHTTPServer(("127.0.0.1", args.port), Handler).serve_forever()
