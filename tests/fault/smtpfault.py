#!/usr/bin/env python3
"""smtpfault.py: a scripted SMTP server for postern's fault tests.

It produces the faults a real server will not: replies cut short, bytes
injected after the 220 to STARTTLS, stalls, endless or over-long replies,
wrong certificates.  Python standard library only.

    smtpfault.py --scenario FILE --port-file F --log LOG
                 [--cert PEM --key KEY] [--implicit-tls]
                 [--max-seconds 60] [--step-timeout 10] [--port N]

It listens on 127.0.0.1 on an ephemeral port (or --port N), writes the port number to F
(temporary name, then rename) once listening, accepts ONE connection, runs
the scenario, records what the client sent in LOG, and exits.  It always
exits by itself: when the client goes away, when the scenario is over and
the client has closed, or when --max-seconds have passed (an alarm backs
this up).  Every read and write has a deadline (--step-timeout).

The log (LOG) has one line per line the client sent, exactly as sent less
the line ending, written as soon as it arrives (so even lines the scenario
never asked for are recorded).  Lines the server adds start with "## ", for
example "## accepted", "## TLS started", "## FAIL ...", "## end: ...".

BDAT (RFC 3030): when the scenario holds an expect-bdat, expect-bdat-reply
or expect-chunk step, the server frames BDAT for the whole connection, as a
server offering CHUNKING does: after a line "BDAT <size>[ LAST]" (logged as
a client line like any other) the next <size> bytes are chunk data, never
lines: they are not logged as lines, only "## BDAT chunk: N bytes" once the
chunk is complete.  Without such a step, BDAT lines and whatever follows
them are plain lines.

Scenario file: one step per line; blank lines and lines starting with "#"
are ignored.  TEXT arguments understand the escapes \\r \\n \\t \\0 \\\\ \\xNN.

    send TEXT             send TEXT + CRLF (TEXT may hold \\r\\n: several lines, one write)
    sendraw TEXT          send TEXT exactly, no CRLF added
    expect PREFIX         read one line; FAIL unless it starts with PREFIX (any case)
    read N                read N lines, whatever they are
    expect-data           read lines up to a lone "." (a DATA body), log its size
    save-data FILE        expect-data, and also write the body to FILE (truncated
                          first): dot-unstuffed, every line ending CRLF (a line that
                          came with a bare LF is marked in the log, not in FILE)
    expect-bdat [FILE]    read BDAT commands and their chunk bytes up to the one with
                          LAST, answering nothing (with PIPELINING the replies to
                          MAIL, RCPT and BDAT go together in a later "send"); logs
                          "## bdat N bytes total"; with FILE, appends the raw chunk
                          bytes to FILE.  FAIL on a line that is not "BDAT <size>" or
                          "BDAT <size> LAST"
    expect-bdat-reply [FILE]
                          expect-bdat, answering each chunk itself with
                          "250 2.0.0 N octets received" as it arrives
    expect-chunk [FILE]   read exactly one BDAT command and its bytes, LAST or not,
                          answering nothing; logs "## bdat N bytes total" for it;
                          appends to FILE like expect-bdat
    reply-ehlo CAPS       answer an EHLO already read with a multi-line 250; CAPS are
                          separated by commas, a keyword may hold spaces:
                          "reply-ehlo STARTTLS, AUTH PLAIN LOGIN, PIPELINING"
    auth-accept [U P]     read an AUTH command (PLAIN or LOGIN, with or without an
                          initial response), run the exchange, answer 235; with U and P,
                          answer 535 and FAIL if the credentials differ
    starttls              server side TLS handshake (needs --cert/--key)
    stall SECONDS         send nothing for SECONDS (still notices a client that leaves)
    drip TEXT SECONDS     send TEXT (as sendraw) one byte every SECONDS
    flood-lines CODE N    send N lines "CODE-xxxxxxxx" (never a final line); stops quietly
                          when the client goes away
    longline CODE BYTES   send one reply line "CODE xxxx..." of BYTES characters, then CRLF
    close                 close the connection (no TLS close_notify) and end
    include FILE          the steps of FILE (relative to this scenario's folder)
    drain [SECONDS]       like the end of a scenario (below), then end
    loop-accept           nothing (accepted for compatibility)

When the steps run out (or after a FAIL) the server drains: it keeps
recording what the client sends, answers QUIT with 221 and closes, RSET and
NOOP with 250, anything else with 503, until the client closes or the time
limit passes.

FILE arguments are relative to the folder of the --log file (or absolute).
A pipelined CHUNKING transaction with one recipient, for example:

    expect MAIL FROM:<sender@example.test>
    expect RCPT TO:<rcpt@example.test>
    expect-bdat chunks.bin
    send 250 2.1.0 ok\r\n250 2.1.5 ok\r\n250 2.0.0 message received

Exit status: 0 scenario done, 1 a FAIL (expectation not met), 2 usage error
or time limit, 3 the client went away before the scenario was over.
"""

import argparse
import base64
import collections
import os
import select
import signal
import socket
import ssl
import sys
import time

MAX_LINE = 1 << 20  # longest client line kept whole; longer ones are split
MAX_CHUNK = 64 << 20  # largest BDAT chunk framed; a larger size is a plain line


class Chunk(bytes):
    """The bytes of one BDAT chunk, queued after its BDAT line."""


def bdat_size(line):
    """The size of a "BDAT <size>[ LAST]" line, or None."""
    parts = line.split(b" ")
    if len(parts) in (2, 3) and parts[0].upper() == b"BDAT" and parts[1].isdigit():
        n = int(parts[1])
        return n if n <= MAX_CHUNK else None
    return None


class ClientGone(Exception):
    """The client closed the connection, reset it, or stopped reading."""


class ScenarioFail(Exception):
    """An expectation of the scenario was not met."""


class TimeLimit(Exception):
    """The global time limit (--max-seconds) was reached."""


class Usage(Exception):
    """A bad scenario line or a missing option."""


def unescape(text):
    """TEXT with \\r \\n \\t \\0 \\\\ \\xNN escapes -> bytes."""
    src = text.encode("utf-8")
    out = bytearray()
    simple = {ord("r"): b"\r", ord("n"): b"\n", ord("t"): b"\t",
              ord("0"): b"\0", ord("\\"): b"\\"}
    i = 0
    while i < len(src):
        c = src[i]
        if c == 0x5C and i + 1 < len(src):
            n = src[i + 1]
            if n in simple:
                out += simple[n]
                i += 2
                continue
            if n == ord("x") and i + 3 < len(src):
                try:
                    out.append(int(src[i + 2:i + 4].decode("ascii"), 16))
                    i += 4
                    continue
                except ValueError:
                    pass
        out.append(c)
        i += 1
    return bytes(out)


class Log:
    def __init__(self, path):
        self.f = open(path, "ab", buffering=0)

    def line(self, raw):
        self.f.write(raw + b"\n")

    def mark(self, text):
        self.f.write(b"## " + text.encode("utf-8", "replace") + b"\n")


class Conn:
    """The client connection: line reading with deadlines, logging on arrival."""

    def __init__(self, sock, log, deadline, step_timeout):
        self.sock = sock
        self.log = log
        self.deadline = deadline
        self.step = step_timeout
        self.pending = b""          # a partial line
        self.lines = collections.deque()   # lines (bytes) and Chunk items
        self.bdat = False           # frame BDAT chunks (see the docstring)
        self.chunk = None           # the BDAT chunk being received, or None
        self.chunk_size = 0
        self.eof = False
        self.closed = False
        self.saw_quit = False       # the client said QUIT: it may close at once

    def remaining(self):
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeLimit()
        return left

    def step_timeout(self):
        return min(self.remaining(), self.step)

    def feed(self, data):
        self.pending += data
        while True:
            if self.chunk is not None:
                take = self.pending[:self.chunk_size - len(self.chunk)]
                self.chunk += take
                self.pending = self.pending[len(take):]
                if len(self.chunk) < self.chunk_size:
                    break
                self.lines.append(Chunk(self.chunk))
                self.log.mark("BDAT chunk: %d bytes" % len(self.chunk))
                self.chunk = None
                continue
            nl = self.pending.find(b"\n")
            if nl < 0:
                break
            raw = self.pending[:nl + 1]
            self.pending = self.pending[nl + 1:]
            if raw.endswith(b"\r\n"):
                line = raw[:-2]
            else:
                line = raw[:-1]
            self.log.line(line)
            if not raw.endswith(b"\r\n"):
                self.log.mark("previous line ended with a bare LF")
            self.lines.append(line)
            if line.strip().upper() == b"QUIT":
                self.saw_quit = True
            size = bdat_size(line) if self.bdat else None
            if size is not None:
                self.chunk = bytearray()
                self.chunk_size = size
        if self.chunk is None and len(self.pending) > MAX_LINE:
            self.log.line(self.pending)
            self.log.mark("previous line was over %d bytes without a line end: split"
                          % MAX_LINE)
            self.lines.append(self.pending)
            self.pending = b""

    def recv_once(self, timeout):
        """One read of at most `timeout` seconds; False on timeout."""
        if self.eof:
            raise ClientGone("client closed the connection")
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(65536)
        except (socket.timeout, ssl.SSLWantReadError):
            return False
        except (OSError, ssl.SSLError) as e:
            self.log.mark("client connection error: %s" % e)
            data = b""
        if not data:
            self.eof = True
            if self.chunk is not None:
                self.log.mark("connection closed after %d of the %d bytes of a BDAT chunk"
                              % (len(self.chunk), self.chunk_size))
                self.chunk = None
            if self.pending:
                self.log.line(self.pending)
                self.log.mark("previous line had no line end (connection closed)")
                self.pending = b""
            self.log.mark("client closed the connection")
            raise ClientGone("client closed the connection")
        self.feed(data)
        return True

    def next_item(self, what):
        end = time.monotonic() + self.step_timeout()
        while not self.lines:
            left = end - time.monotonic()
            if left <= 0:
                self.remaining()
                raise ScenarioFail("no %s from the client within %gs" % (what, self.step))
            self.recv_once(left)
        return self.lines.popleft()

    def readline(self):
        item = self.next_item("line")
        if isinstance(item, Chunk):
            raise ScenarioFail("expected a line, got a BDAT chunk of %d bytes" % len(item))
        return item

    def readchunk(self):
        """The bytes of the BDAT chunk whose line readline() just returned."""
        item = self.next_item("BDAT chunk")
        if not isinstance(item, Chunk):
            raise ScenarioFail("expected BDAT chunk bytes, got the line %r" % item[:200])
        return bytes(item)

    def send(self, data):
        self.sock.settimeout(self.step_timeout())
        try:
            self.sock.sendall(data)
        except socket.timeout:
            self.log.mark("client stopped reading (send timed out)")
            raise ClientGone("client stopped reading")
        except (OSError, ssl.SSLError) as e:
            self.log.mark("client gone while sending: %s" % e)
            raise ClientGone(str(e))

    def wait(self, seconds):
        """Send nothing for `seconds`, but record data and notice a close."""
        end = time.monotonic() + seconds
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return
            left = min(left, self.remaining())
            pend = self.sock.pending() if isinstance(self.sock, ssl.SSLSocket) else 0
            if not pend:
                r, _, _ = select.select([self.sock], [], [], left)
                if not r:
                    continue
            self.recv_once(min(max(end - time.monotonic(), 0.01), 1.0))

    def starttls(self, ctx):
        if self.lines or self.pending:
            n = sum(len(x) + 2 for x in self.lines) + len(self.pending)
            self.log.mark("client sent %d bytes before the TLS handshake" % n)
            self.lines.clear()
            self.pending = b""
        tls = ctx.wrap_socket(self.sock, server_side=True,
                              do_handshake_on_connect=False)
        tls.settimeout(self.step_timeout())
        try:
            tls.do_handshake()
        except socket.timeout:
            self.log.mark("TLS handshake failed: timed out")
            raise ClientGone("TLS handshake timed out")
        except (OSError, ssl.SSLError) as e:
            self.log.mark("TLS handshake failed: %s" % e)
            raise ClientGone("TLS handshake failed")
        self.sock = tls
        self.log.mark("TLS started (%s, %s)" % (tls.version(), tls.cipher()[0]))

    def close(self, quiet=False):
        if self.closed:
            return
        self.closed = True
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        try:
            self.sock.close()
        except OSError:
            pass
        if not quiet:
            self.log.mark("server closed the connection")


class Scenario:
    def __init__(self, path):
        self.steps = []
        self.load(path, 0)

    def load(self, path, depth):
        if depth > 8:
            raise Usage("%s: includes nested too deep" % path)
        name = os.path.basename(path)
        with open(path, encoding="utf-8") as f:
            for num, text in enumerate(f, 1):
                stripped = text.strip()
                if not stripped or stripped.startswith("#"):
                    continue
                parts = stripped.split(None, 1)
                cmd = parts[0].lower()
                arg = parts[1] if len(parts) > 1 else ""
                if cmd == "include":
                    self.load(os.path.join(os.path.dirname(path), arg), depth + 1)
                    continue
                if cmd not in STEPS:
                    raise Usage("%s:%d: unknown step %r" % (path, num, cmd))
                self.steps.append(("%s:%d" % (name, num), cmd, arg))


def need_args(arg, n, what):
    parts = arg.split()
    if len(parts) != n:
        raise Usage("%s needs %d argument(s)" % (what, n))
    return parts


def step_send(ctx, conn, arg):
    conn.send(unescape(arg) + b"\r\n")


def step_sendraw(ctx, conn, arg):
    conn.send(unescape(arg))


def step_expect(ctx, conn, arg):
    line = conn.readline()
    want = unescape(arg)
    if not line.lower().startswith(want.lower()):
        raise ScenarioFail("expected %r, got %r" % (want, line[:200]))


def step_read(ctx, conn, arg):
    (n,) = need_args(arg, 1, "read")
    for _ in range(int(n)):
        conn.readline()


def step_expect_data(ctx, conn, arg):
    size = count = 0
    while True:
        line = conn.readline()
        if line == b".":
            break
        size += len(line) + 2
        count += 1
    conn.log.mark("DATA received: %d bytes, %d lines" % (size, count))


def save_path(conn, name):
    """FILE of a step: relative to the log's folder unless absolute."""
    if not name:
        return None
    return os.path.join(conn.log_dir, name)


def step_save_data(ctx, conn, arg):
    (name,) = need_args(arg, 1, "save-data")
    size = count = 0
    with open(save_path(conn, name), "wb") as f:
        while True:
            line = conn.readline()
            if line == b".":
                break
            if line.startswith(b"."):
                line = line[1:]
            f.write(line + b"\r\n")
            size += len(line) + 2
            count += 1
    conn.log.mark("DATA received: %d bytes, %d lines (unstuffed), saved in %s"
                  % (size, count, name))


def read_bdat(conn, arg, reply, until_last, what):
    """BDAT commands and their chunks (see expect-bdat in the docstring)."""
    names = arg.split()
    if len(names) > 1:
        raise Usage("%s takes at most one argument (FILE)" % what)
    path = save_path(conn, names[0] if names else None)
    total = 0
    while True:
        line = conn.readline()
        parts = line.split(b" ")
        last = len(parts) == 3 and parts[2].upper() == b"LAST"
        if bdat_size(line) is None or (len(parts) == 3 and not last):
            raise ScenarioFail("expected BDAT <size> [LAST], got %r" % line[:200])
        data = conn.readchunk()
        total += len(data)
        if path:
            with open(path, "ab") as f:
                f.write(data)
        if reply:
            conn.send(b"250 2.0.0 %d octets received\r\n" % len(data))
        if last or not until_last:
            break
    conn.log.mark("bdat %d bytes total" % total)


def step_expect_bdat(ctx, conn, arg):
    read_bdat(conn, arg, False, True, "expect-bdat")


def step_expect_bdat_reply(ctx, conn, arg):
    read_bdat(conn, arg, True, True, "expect-bdat-reply")


def step_expect_chunk(ctx, conn, arg):
    read_bdat(conn, arg, False, False, "expect-chunk")


def step_reply_ehlo(ctx, conn, arg):
    caps = [c.strip() for c in arg.split(",") if c.strip()]
    lines = [b"fault.test greets you"] + [unescape(c) for c in caps]
    out = b""
    for i, text in enumerate(lines):
        sep = b" " if i == len(lines) - 1 else b"-"
        out += b"250" + sep + text + b"\r\n"
    conn.send(out)


def b64(data):
    try:
        return base64.b64decode(data, validate=True)
    except ValueError:
        raise ScenarioFail("bad base64 in AUTH exchange: %r" % data[:100])


def step_auth_accept(ctx, conn, arg):
    want = arg.split()
    if want and len(want) != 2:
        raise Usage("auth-accept takes no argument or USER PASSWORD")
    line = conn.readline()
    parts = line.split()
    if len(parts) < 2 or parts[0].upper() != b"AUTH":
        raise ScenarioFail("expected AUTH, got %r" % line[:200])
    mech = parts[1].upper()
    if mech == b"PLAIN":
        if len(parts) >= 3:
            resp = parts[2]
        else:
            conn.send(b"334 \r\n")
            resp = conn.readline()
        fields = b64(resp).split(b"\0")
        if len(fields) != 3:
            raise ScenarioFail("AUTH PLAIN response is not authzid\\0user\\0pass")
        user, password = fields[1], fields[2]
    elif mech == b"LOGIN":
        if len(parts) >= 3:
            user = b64(parts[2])
        else:
            conn.send(b"334 VXNlcm5hbWU6\r\n")
            user = b64(conn.readline())
        conn.send(b"334 UGFzc3dvcmQ6\r\n")
        password = b64(conn.readline())
    else:
        conn.send(b"504 5.5.4 mechanism not supported here\r\n")
        raise ScenarioFail("unexpected AUTH mechanism %r" % mech)
    conn.log.mark("AUTH %s user=%s" % (mech.decode("ascii", "replace"),
                                       user.decode("utf-8", "replace")))
    if want and (user != want[0].encode() or password != want[1].encode()):
        conn.send(b"535 5.7.8 authentication credentials invalid\r\n")
        raise ScenarioFail("AUTH with wrong credentials (user %r)" % user)
    conn.send(b"235 2.7.0 authentication successful\r\n")


def step_starttls(ctx, conn, arg):
    if ctx is None:
        raise Usage("starttls needs --cert and --key")
    conn.starttls(ctx)


def step_stall(ctx, conn, arg):
    (secs,) = need_args(arg, 1, "stall")
    conn.wait(float(secs))


def step_drip(ctx, conn, arg):
    parts = arg.rsplit(None, 1)
    if len(parts) != 2:
        raise Usage("drip needs TEXT SECONDS")
    data, secs = unescape(parts[0]), float(parts[1])
    for i in range(len(data)):
        conn.send(data[i:i + 1])
        if i + 1 < len(data):
            conn.wait(secs)


def step_flood_lines(ctx, conn, arg):
    code, n = need_args(arg, 2, "flood-lines")
    n = int(n)
    prefix = code.encode("ascii") + b"-"
    sent = 0
    chunk = 4096
    try:
        while sent < n:
            k = min(chunk, n - sent)
            conn.send(b"".join(prefix + b"%08d\r\n" % (sent + j) for j in range(k)))
            sent += k
    except ClientGone:
        conn.log.mark("flood stopped after about %d lines: client gone" % sent)
        raise
    conn.log.mark("flood sent %d lines" % sent)


def step_longline(ctx, conn, arg):
    code, nbytes = need_args(arg, 2, "longline")
    head = code.encode("ascii") + b" "
    nbytes = int(nbytes)
    conn.send(head + b"x" * max(nbytes - len(head), 0) + b"\r\n")


def step_close(ctx, conn, arg):
    conn.close()


def step_drain(ctx, conn, arg):
    drain(conn, float(arg) if arg.strip() else None)
    conn.close()


def step_nothing(ctx, conn, arg):
    pass


STEPS = {
    "send": step_send,
    "sendraw": step_sendraw,
    "expect": step_expect,
    "read": step_read,
    "expect-data": step_expect_data,
    "save-data": step_save_data,
    "expect-bdat": step_expect_bdat,
    "expect-bdat-reply": step_expect_bdat_reply,
    "expect-chunk": step_expect_chunk,
    "reply-ehlo": step_reply_ehlo,
    "auth-accept": step_auth_accept,
    "starttls": step_starttls,
    "stall": step_stall,
    "drip": step_drip,
    "flood-lines": step_flood_lines,
    "longline": step_longline,
    "close": step_close,
    "drain": step_drain,
    "loop-accept": step_nothing,
}
BDAT_STEPS = ("expect-bdat", "expect-bdat-reply", "expect-chunk")


def drain(conn, seconds=None):
    """Record what the client still sends; answer so that it can leave."""
    end = conn.deadline if seconds is None else min(conn.deadline,
                                                     time.monotonic() + seconds)
    while not conn.closed and time.monotonic() < end:
        while conn.lines:
            item = conn.lines.popleft()
            if isinstance(item, Chunk):
                continue
            word = item.split(b" ", 1)[0].upper()
            if word == b"QUIT":
                conn.send(b"221 2.0.0 fault.test closing (scenario over)\r\n")
                conn.close()
                return
            if word in (b"RSET", b"NOOP"):
                conn.send(b"250 2.0.0 ok\r\n")
            else:
                conn.send(b"503 5.5.1 scenario over, command not expected\r\n")
        left = end - time.monotonic()
        if left > 0:
            conn.recv_once(min(left, 1.0))


def run(args):
    log = Log(args.log)
    deadline = time.monotonic() + args.max_seconds

    def on_alarm(signum, frame):
        log.mark("end: global time limit of %gs reached (alarm)" % args.max_seconds)
        os._exit(2)

    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(int(args.max_seconds) + 5)

    try:
        scenario = Scenario(args.scenario)
    except (OSError, Usage) as e:
        log.mark("end: bad scenario: %s" % e)
        print("smtpfault: %s" % e, file=sys.stderr)
        return 2

    ctx = None
    if args.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.cert, args.key or None)
    if args.implicit_tls and ctx is None:
        print("smtpfault: --implicit-tls needs --cert/--key", file=sys.stderr)
        return 2

    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", args.port))
    lsock.listen(1)
    port = lsock.getsockname()[1]
    tmp = "%s.tmp.%d" % (args.port_file, os.getpid())
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.rename(tmp, args.port_file)
    log.mark("listening on 127.0.0.1:%d, scenario %s" % (port, args.scenario))

    lsock.settimeout(max(deadline - time.monotonic(), 0.1))
    try:
        sock, peer = lsock.accept()
    except socket.timeout:
        log.mark("end: no client within the time limit")
        return 2
    lsock.close()
    log.mark("accepted %s:%d" % peer)
    conn = Conn(sock, log, deadline, args.step_timeout)
    conn.log_dir = os.path.dirname(os.path.abspath(args.log))
    conn.bdat = any(step[1] in BDAT_STEPS for step in scenario.steps)

    status = 0
    current = None
    try:
        if args.implicit_tls:
            conn.starttls(ctx)
        for current in scenario.steps:
            num, cmd, arg = current
            STEPS[cmd](ctx, conn, arg)
            if conn.closed:
                break
        current = None
        if not conn.closed:
            try:
                drain(conn)
            except ClientGone:
                pass
        log.mark("end: scenario done")
    except ScenarioFail as e:
        log.mark("FAIL at %s (%s %s): %s"
                 % (current[0], current[1], current[2], e) if current
                 else "FAIL after the last step: %s" % e)
        status = 1
        try:
            drain(conn)
        except (ClientGone, TimeLimit):
            pass
        log.mark("end: scenario failed")
    except ClientGone as e:
        where = ("at %s (%s)" % (current[0], current[1])
                 if current else "before the first step")
        if conn.saw_quit:   # RFC 5321 4.1.1.10: a client may close after QUIT
            log.mark("end: scenario done (the client closed after QUIT, %s)" % where)
        else:
            log.mark("end: client gone %s: %s" % (where, e))
            status = 3
    except TimeLimit:
        log.mark("end: global time limit of %gs reached" % args.max_seconds)
        status = 2
    except (Usage, ValueError) as e:
        log.mark("end: bad scenario step: %s" % e)
        status = 2
    finally:
        conn.close(quiet=True)
    return status


def main():
    p = argparse.ArgumentParser(description="scripted SMTP server for fault tests")
    p.add_argument("--scenario", required=True)
    p.add_argument("--port-file", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--implicit-tls", action="store_true")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--max-seconds", type=float, default=60.0)
    p.add_argument("--step-timeout", type=float, default=10.0)
    args = p.parse_args()
    sys.exit(run(args))


if __name__ == "__main__":
    main()
