#!/usr/bin/env python3
"""oauth_server.py: a loopback HTTPS OAuth2 authorization server for postern's end-to-end tests.

usage: python3 tests/lib/oauth_server.py --dir D --port P --cert CERT --key KEY

Listens on 127.0.0.1:P (0: pick a port) with TLS 1.2+, writes the port in use to D/port (atomically)
and runs until killed. Python 3 standard library only. Every piece of state is a file under D:

  D/client_secret   optional: POST /token must carry this client_secret (form or HTTP Basic)
  D/refresh_tokens  valid refresh tokens, one a line (the test writes the first one)
  D/access_tokens   issued access tokens, "TOKEN EXPIRY_EPOCH_SECONDS" a line (appended)
  D/requests.log    one JSON object a line per request:
                    {"path","method","form","content_type","time"} (GET: form = query string)
  D/expires_in      optional expires_in to return (default 3600; 0 or negative: already expired)
  D/token_length    optional length of issued access tokens (default 40, [A-Za-z0-9])
  D/scope           optional scope returned by refresh grants that name none (default
                    https://mail.google.com/)
  D/rotate          exists: every refresh returns a new refresh_token and the old one stops working
  D/mode            optional word changing /token: invalid_grant, garbage (200 text/html
                    "<html>not json"), error500 (500, empty body), slow (30 s, then normal),
                    huge (200, a 2 MB JSON body: the normal answer plus a "padding" member),
                    ratelimit (429 with a JSON error), forbidden_html (403, a proxy's HTML)
  D/delay           optional seconds (float) to wait before answering any /token request
  D/device_script   words consumed one per device-code poll (default "pending ok"): pending,
                    slow_down, denied, expired, error500, ok; the last word repeats once exhausted
  D/deny            exists: /auth redirects with error=access_denied
  D/wrong_state     exists: /auth redirects with a state other than the one it was given
  D/auth_codes      written by the server: JSON of the codes /auth issued (for inspection)
  D/device_codes    written by the server: JSON of the device codes issued and their poll counts

Endpoints: POST /token (refresh_token, authorization_code with PKCE S256,
urn:ietf:params:oauth:grant-type:device_code), GET /auth, POST /device. Anything else: 404.
The client is "postern-test".
"""

import argparse
import base64
import hashlib
import http.server
import json
import os
import secrets
import socket
import ssl
import string
import sys
import threading
import time
import urllib.parse

CLIENT_ID = "postern-test"
DEFAULT_SCOPE = "https://mail.google.com/"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
ALNUM = string.ascii_letters + string.digits

LOCK = threading.Lock()
STATE = {"dir": None, "port": 0, "codes": {}, "devices": {}}


def path_of(name):
    return os.path.join(STATE["dir"], name)


def read_file(name, default=None):
    try:
        with open(path_of(name), encoding="utf-8") as f:
            return f.read()
    except FileNotFoundError:
        return default


def exists(name):
    return os.path.exists(path_of(name))


def write_atomic(name, text):
    tmp = path_of(name + ".tmp.%d" % threading.get_ident())
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path_of(name))


def append_line(name, line):
    with open(path_of(name), "a", encoding="utf-8") as f:
        f.write(line + "\n")


def read_number(name, default, kind):
    text = read_file(name)
    if text is None or not text.strip():
        return default
    try:
        return kind(text.strip())
    except ValueError:
        sys.stderr.write("oauth_server: ignoring bad %s: %r\n" % (name, text))
        return default


def random_token(n):
    return "".join(secrets.choice(ALNUM) for _ in range(n))


def refresh_tokens():
    return [l.strip() for l in (read_file("refresh_tokens", "") or "").splitlines() if l.strip()]


def issue_tokens(scope, with_refresh):
    """Under LOCK: make an access token (and maybe a refresh token), record them, return the body."""
    expires_in = read_number("expires_in", 3600, int)
    length = max(1, read_number("token_length", 40, int))
    access = random_token(length)
    append_line("access_tokens", "%s %d" % (access, int(time.time()) + expires_in))
    body = {"access_token": access, "token_type": "Bearer", "expires_in": expires_in, "scope": scope}
    if with_refresh:
        refresh = "rt-" + random_token(40)
        append_line("refresh_tokens", refresh)
        body["refresh_token"] = refresh
    return body


def dump_state():
    write_atomic("auth_codes", json.dumps(STATE["codes"], indent=1) + "\n")
    write_atomic("device_codes", json.dumps(STATE["devices"], indent=1) + "\n")


DUPLICATE = "__repeated__"


def parse_params(text):
    """Form or query fields, first value of each; RFC 6749 forbids repeats: they are flagged."""
    pairs = urllib.parse.parse_qsl(text, keep_blank_values=True)
    params = {}
    for k, v in pairs:
        if k in params:
            params[DUPLICATE] = k
        else:
            params[k] = v
    return params


INVALID_GRANT_REVOKED = {"error": "invalid_grant", "error_description": "Token has been expired or revoked."}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "postern-oauth-test/1"
    timeout = 120  # idle connections do not hold a thread forever

    def setup(self):
        # TLS handshake here, in the connection's own thread, so one stalled client cannot block accept()
        self.request.settimeout(self.timeout)
        self.request = self.server.ssl_context.wrap_socket(self.request, server_side=True)
        super().setup()

    def log_message(self, fmt, *args):
        sys.stderr.write("oauth_server: %s %s\n" % (self.address_string(), fmt % args))

    # -- responses ------------------------------------------------------------------------------
    def send(self, code, body=b"", ctype="application/json", headers=()):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        elif isinstance(body, str):
            body = body.encode()
        self.send_response(code)
        if body or ctype != "application/json":
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        if body and self.command != "HEAD":
            self.wfile.write(body)

    def send_json(self, code, obj):
        self.send(code, obj, "application/json")

    # -- request plumbing -------------------------------------------------------------------------
    def read_form(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0 or length > 1 << 20:
            raise ValueError("bad Content-Length")
        raw = self.rfile.read(length) if length else b""
        return raw, parse_params(raw.decode("utf-8", "replace"))

    def log_request_line(self, path, form):
        entry = {
            "path": path,
            "method": self.command,
            "form": form,
            "content_type": self.headers.get("Content-Type"),
            "time": time.time(),
        }
        if self.headers.get("Authorization"):
            entry["authorization"] = self.headers.get("Authorization").split(" ")[0]
        with LOCK:
            append_line("requests.log", json.dumps(entry))

    def handle_one_request(self):
        try:
            super().handle_one_request()
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, socket.timeout) as e:
            sys.stderr.write("oauth_server: connection error: %s\n" % e)
            self.close_connection = True

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = parse_params(url.query)
        self.log_request_line(url.path, query)
        if url.path == "/auth":
            if DUPLICATE in query:
                return self.send(400, "bad authorization request: repeated parameter\n", "text/plain")
            return self.auth(query)
        self.send(404, "not found\n", "text/plain")

    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        try:
            _, form = self.read_form()
        except ValueError:
            self.log_request_line(url.path, {})
            self.close_connection = True
            return self.send_json(400, {"error": "invalid_request"})
        self.log_request_line(url.path, form)
        if DUPLICATE in form and url.path in ("/token", "/device"):
            return self.send_json(400, {"error": "invalid_request", "error_description": "repeated parameter"})
        if url.path == "/token":
            return self.token(form)
        if url.path == "/device":
            return self.device(form)
        self.send(404, "not found\n", "text/plain")

    def do_PUT(self):
        self.do_other()

    def do_DELETE(self):
        self.do_other()

    def do_HEAD(self):
        self.do_other()

    def do_other(self):
        url = urllib.parse.urlsplit(self.path)
        self.log_request_line(url.path, {})
        self.send(404, "not found\n", "text/plain")

    # -- client authentication ----------------------------------------------------------------
    def client_ok(self, form):
        client_id, secret = form.get("client_id"), form.get("client_secret")
        auth = self.headers.get("Authorization", "")
        if auth.lower().startswith("basic "):
            try:
                cid, _, sec = base64.b64decode(auth[6:].strip()).decode().partition(":")
                client_id, secret = urllib.parse.unquote_plus(cid), urllib.parse.unquote_plus(sec)
            except Exception:
                return False
        if client_id != CLIENT_ID:
            return False
        want = read_file("client_secret")
        if want is not None and secret != want.strip("\r\n"):
            return False
        return True

    # -- POST /token ------------------------------------------------------------------------------
    def token(self, form):
        delay = read_number("delay", 0.0, float)
        if delay > 0:
            time.sleep(delay)
        mode = ((read_file("mode", "") or "").split() or [""])[0]
        if mode == "invalid_grant":
            return self.send_json(400, INVALID_GRANT_REVOKED)
        if mode == "garbage":
            return self.send(200, "<html>not json", "text/html")
        if mode == "error500":
            return self.send(500, b"", "application/json")
        if mode == "ratelimit":
            return self.send_json(429, {"error": "rate_limited", "error_description": "slow down"})
        if mode == "forbidden_html":
            return self.send(403, "<html>proxy says no</html>", "text/html")
        if mode == "slow":
            time.sleep(30)
        if self.headers.get("Content-Type", "").split(";")[0].strip().lower() != "application/x-www-form-urlencoded":
            return self.send_json(400, {"error": "invalid_request", "error_description": "form encoding required"})
        if not self.client_ok(form):
            return self.send_json(401, {"error": "invalid_client"})
        grant = form.get("grant_type")
        if grant == "refresh_token":
            status, body = self.grant_refresh(form)
        elif grant == "authorization_code":
            status, body = self.grant_code(form)
        elif grant == DEVICE_GRANT:
            status, body = self.grant_device(form)
        else:
            status, body = 400, {"error": "unsupported_grant_type"}
        if mode == "huge" and status == 200:
            padded = {"padding": "x" * (2 * 1024 * 1024)}
            padded.update(body)
            body = padded
        self.send_json(status, body)

    def grant_refresh(self, form):
        rt = form.get("refresh_token", "")
        with LOCK:
            tokens = refresh_tokens()
            if not rt or rt not in tokens:
                return 400, INVALID_GRANT_REVOKED
            rotate = exists("rotate")
            scope = form.get("scope") or (read_file("scope", "") or "").strip() or DEFAULT_SCOPE
            if rotate:
                write_atomic("refresh_tokens", "".join(t + "\n" for t in tokens if t != rt))
            return 200, issue_tokens(scope, rotate)

    def grant_code(self, form):
        code = form.get("code", "")
        with LOCK:
            entry = STATE["codes"].get(code)
            if entry is None or entry["used"]:
                return 400, {"error": "invalid_grant", "error_description": "unknown or used code"}
            entry["used"] = True  # single use, even when the rest is wrong
            dump_state()
            if form.get("redirect_uri") != entry["redirect_uri"]:
                return 400, {"error": "invalid_grant", "error_description": "redirect_uri mismatch"}
            verifier = form.get("code_verifier", "")
            digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if not verifier or digest != entry["code_challenge"]:
                return 400, {"error": "invalid_grant", "error_description": "code_verifier mismatch"}
            return 200, issue_tokens(entry["scope"], True)

    def grant_device(self, form):
        dc = form.get("device_code", "")
        with LOCK:
            entry = STATE["devices"].get(dc)
            if entry is None:
                return 400, {"error": "invalid_grant", "error_description": "unknown device_code"}
            words = (read_file("device_script", "pending ok") or "").split() or ["ok"]
            word = words[min(entry["polls"], len(words) - 1)]
            entry["polls"] += 1
            dump_state()
            errors = {"pending": "authorization_pending", "slow_down": "slow_down", "denied": "access_denied",
                      "expired": "expired_token"}
            if word in errors:
                return 400, {"error": errors[word]}
            if word == "error500":
                return 500, {"error": "server_error"}
            if word != "ok":
                sys.stderr.write("oauth_server: unknown device_script word %r, answering ok\n" % word)
            return 200, issue_tokens(entry["scope"], True)

    # -- GET /auth --------------------------------------------------------------------------------
    def auth(self, q):
        redirect = q.get("redirect_uri", "")
        problems = []
        if q.get("response_type") != "code":
            problems.append("response_type must be code")
        if q.get("client_id") != CLIENT_ID:
            problems.append("unknown client_id")
        if not redirect.startswith("http://127.0.0.1:"):
            problems.append("redirect_uri must start with http://127.0.0.1:")
        if q.get("code_challenge_method") != "S256":
            problems.append("code_challenge_method must be S256")
        if not q.get("state"):
            problems.append("state missing")
        if not q.get("code_challenge"):
            problems.append("code_challenge missing")
        if problems:
            return self.send(400, "bad authorization request: " + "; ".join(problems) + "\n", "text/plain")
        state = q["state"]
        if exists("wrong_state"):
            state = "not-" + state
        if exists("deny"):
            params = {"error": "access_denied", "state": state}
        else:
            code = "code-" + random_token(32)
            with LOCK:
                STATE["codes"][code] = {
                    "redirect_uri": redirect,
                    "code_challenge": q["code_challenge"],
                    "scope": q.get("scope", ""),
                    "state": q["state"],
                    "used": False,
                }
                dump_state()
            params = {"code": code, "state": state}
        location = redirect + ("&" if "?" in redirect else "?") + urllib.parse.urlencode(params)
        self.send(302, "redirecting\n", "text/plain", headers=[("Location", location)])

    # -- POST /device -----------------------------------------------------------------------------
    def device(self, form):
        if form.get("client_id") != CLIENT_ID:
            return self.send_json(401, {"error": "invalid_client"})
        dc = "dc-" + random_token(40)
        with LOCK:
            STATE["devices"][dc] = {"scope": form.get("scope", ""), "polls": 0}
            dump_state()
        uri = "https://127.0.0.1:%d/verify" % STATE["port"]
        code = "ABCD-EFGH"
        if exists("hostile_device"):   # escape sequences for the user's terminal
            uri += "\x1b]0;owned\x07\x1b[2J"
            code = "ABCD\x1b[31m-EFGH\x9b"
        self.send_json(200, {
            "device_code": dc,
            "user_code": code,
            "verification_uri": uri,
            "expires_in": 60,
            "interval": 1,
            "message": "To sign in, use a web browser to open the page %s and enter the code ABCD-EFGH to authenticate." % uri,
        })


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        sys.stderr.write("oauth_server: error with %s: %s\n" % (client_address, sys.exc_info()[1]))


def main():
    ap = argparse.ArgumentParser(description="loopback OAuth2 test server")
    ap.add_argument("--dir", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    args = ap.parse_args()

    STATE["dir"] = os.path.abspath(args.dir)
    os.makedirs(STATE["dir"], exist_ok=True)
    for name in ("refresh_tokens", "access_tokens", "requests.log"):
        open(path_of(name), "a").close()

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(args.cert, args.key)

    server = Server(("127.0.0.1", args.port), Handler)
    server.ssl_context = ctx
    STATE["port"] = server.server_address[1]
    write_atomic("port", "%d\n" % STATE["port"])
    sys.stderr.write("oauth_server: listening on https://127.0.0.1:%d/ (dir %s)\n" % (STATE["port"], STATE["dir"]))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
