"""A stand-in for an OpenAI-compatible server, for the tests: it answers a chat completion
with the ```python block the prompt asks to rewrite (the first one after the read-only context),
its `parameters = N` changed to a random value (a new variant of the tiny seed), and a request to
rephrase a template with the template behind an opening sentence. With --status it refuses every
request instead: 401, 404, or 400 with OpenAI's context_length_exceeded; or, with "nocode",
answers without code; or, with "same", answers with the code unchanged. With --record FILE it
appends every prompt it receives to FILE, one JSON string a line.

    python3 fake_openai.py --port PORT [--status 401|404|context|nocode|same] [--record FILE]
"""
import argparse
import json
import random
import re
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--status", default="")
parser.add_argument("--record")
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
        if args.record:
            with open(args.record, "a") as f:
                f.write(json.dumps(prompt) + "\n")
        if "\nInstruction:\n" in prompt:
            template = prompt.split("\nInstruction:\n", 1)[1]
            return self.reply(200, {"choices": [{"message": {"role": "assistant", "content": "In other words: " + template}}]})
        blocks = re.findall(r"```python\n(.*?)```", prompt, re.S)
        # The context's header block comes first when there is one.
        code = (blocks[1] if prompt.startswith("Context") else blocks[0]) if blocks else ""
        if args.status != "same":
            code = re.sub(r"parameters = \d+", lambda _: f"parameters = {random.randint(1, 100000)}", code)
        self.reply(200, {"choices": [{"message": {"role": "assistant", "content": f"```python\n{code}```"}}],
                         "usage": {"prompt_tokens": 10, "completion_tokens": 10}})

    def log_message(self, *_):
        pass


ThreadingHTTPServer.allow_reuse_address = True
ThreadingHTTPServer(("127.0.0.1", args.port), Handler).serve_forever()
