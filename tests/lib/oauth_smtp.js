#!/usr/bin/env node
// oauth_smtp.js: a loopback SMTP submission server for postern's end-to-end tests, speaking
// SASL XOAUTH2 and OAUTHBEARER (RFC 7628) and optionally PLAIN, built on npm smtp-server
// (installed by `npm ci --prefix tests/node`).
//
// usage: node tests/lib/oauth_smtp.js --port P --cert CERT --key KEY --tokens FILE
//            --mailbox MBOX --log LOG [--implicit] [--mechs XOAUTH2,OAUTHBEARER,PLAIN] [--size N]
//
//   --port P      port on 127.0.0.1 (0: pick one); the port in use is written to LOG.port
//   --implicit    TLS from the first byte (465 style); default: plain text + STARTTLS (587 style)
//   --tokens FILE lines "TOKEN EXPIRY_EPOCH_SECONDS", re-read on every AUTH; a token is valid when
//                 it is listed with an expiry in the future
//   --mechs LIST  mechanisms to advertise (default XOAUTH2,OAUTHBEARER); PLAIN accepts only
//                 plainuser / plainpass
//   --size N      advertise SIZE N and refuse bigger messages
//   --mailbox M   each message is appended in mbox format (CRLF turned into LF, mboxrd quoting of
//                 /^>*From /, then an empty line)
//   --log L       one JSON object per line: per AUTH attempt
//                   {"mech","user","token"(first 8 chars),"ok","two_step","error_reply","time"}
//                 per accepted message {"mail_from","rcpt_to":[...],"user","size","time"}
//
// AUTH is refused before TLS (538) and not advertised in the EHLO before TLS. A rejected token
// gets Gmail's answer: 334 base64({"status":"401","schemes":"bearer","scope":...}), then after
// the client's line (empty, or AQ== for OAUTHBEARER) 535 5.7.8; a "*" there gets 501 5.7.0.
'use strict';

const fs = require('fs');
const path = require('path');
const { createRequire } = require('module');

const nodeRequire = createRequire(path.join(__dirname, '..', 'node', 'package.json'));
let SMTPServer, sasl, SMTPConnection;
try {
    ({ SMTPServer } = nodeRequire('smtp-server'));
    // smtp-connection.js dispatches "AUTH MECH" to require('./sasl')['SASL_' + MECH] with the
    // connection as `this`; this is the same module object, so handlers added here are found there.
    sasl = nodeRequire('smtp-server/lib/sasl.js');
    ({ SMTPConnection } = nodeRequire('smtp-server/lib/smtp-connection.js'));
} catch (err) {
    process.stderr.write('oauth_smtp: cannot load smtp-server (run `npm ci --prefix tests/node`): ' + err.message + '\n');
    process.exit(2);
}

function usage(msg) {
    if (msg) process.stderr.write('oauth_smtp: ' + msg + '\n');
    process.stderr.write(
        'usage: node oauth_smtp.js --port P --cert CERT --key KEY --tokens FILE --mailbox MBOX --log LOG\n' +
            '                          [--implicit] [--mechs XOAUTH2,OAUTHBEARER,PLAIN] [--size N]\n'
    );
    process.exit(2);
}

function parseArgs(argv) {
    const opts = { implicit: false, mechs: 'XOAUTH2,OAUTHBEARER', size: 0 };
    const valued = ['port', 'cert', 'key', 'tokens', 'mailbox', 'log', 'mechs', 'size'];
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === '--implicit') {
            opts.implicit = true;
        } else if (a === '-h' || a === '--help') {
            usage();
        } else if (a.startsWith('--') && valued.includes(a.slice(2))) {
            if (i + 1 >= argv.length) usage(a + ' needs a value');
            opts[a.slice(2)] = argv[++i];
        } else {
            usage('unknown argument ' + a);
        }
    }
    for (const k of ['port', 'cert', 'key', 'tokens', 'mailbox', 'log']) {
        if (opts[k] === undefined) usage('--' + k + ' is required');
    }
    opts.port = Number(opts.port);
    opts.size = Number(opts.size) || 0;
    if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) usage('bad --port');
    opts.mechs = opts.mechs
        .split(',')
        .map(m => m.trim().toUpperCase())
        .filter(Boolean);
    for (const m of opts.mechs) {
        if (!['XOAUTH2', 'OAUTHBEARER', 'PLAIN'].includes(m)) usage('unsupported mechanism ' + m);
    }
    return opts;
}

const opts = parseArgs(process.argv.slice(2));

const ERROR_JSON = JSON.stringify({ status: '401', schemes: 'bearer', scope: 'https://mail.google.com/' });

function logLine(obj) {
    obj.time = Date.now() / 1000;
    try {
        fs.appendFileSync(opts.log, JSON.stringify(obj) + '\n');
    } catch (err) {
        process.stderr.write('oauth_smtp: cannot write log: ' + err.message + '\n');
    }
}

// Is TOKEN listed in the tokens file with an expiry in the future? Re-read every time.
function tokenValid(token) {
    let text;
    try {
        text = fs.readFileSync(opts.tokens, 'utf8');
    } catch (err) {
        process.stderr.write('oauth_smtp: cannot read tokens: ' + err.message + '\n');
        return false;
    }
    const now = Date.now() / 1000;
    for (const line of text.split('\n')) {
        const f = line.trim().split(/\s+/);
        if (f.length >= 2 && f[0] === token && Number(f[1]) > now) return true;
    }
    return false;
}

// XOAUTH2: base64("user=" U "\x01auth=Bearer " T "\x01\x01")
function parseXOAUTH2(text) {
    let user = null;
    let token = null;
    for (const part of text.split('\x01')) {
        const eq = part.indexOf('=');
        if (eq < 0) continue;
        const key = part.slice(0, eq).toLowerCase();
        const value = part.slice(eq + 1);
        if (key === 'user') user = value;
        else if (key === 'auth') {
            const m = /^Bearer +(\S+)$/i.exec(value);
            if (m) token = m[1];
        }
    }
    if (user === null || token === null || !text.endsWith('\x01\x01')) return null;
    return { user, token };
}

// OAUTHBEARER (RFC 7628): gs2-header "n,a=USER," or "n,," then \x01 key=value ... \x01\x01
function parseOAUTHBEARER(text) {
    const m = /^([ny]),(?:a=([^,]*))?,\x01(.*)\x01\x01$/s.exec(text);
    if (!m) return null;
    let user = null;
    if (m[2] !== undefined) {
        if (/=(?!2C|3D)/.test(m[2])) return null; // a bare "=" must be escaped
        user = m[2].replace(/=2C/g, ',').replace(/=3D/g, '=');
    }
    let token = null;
    const fields = {};
    for (const kv of m[3].split('\x01')) {
        const eq = kv.indexOf('=');
        if (eq <= 0) return null;
        fields[kv.slice(0, eq)] = kv.slice(eq + 1);
    }
    if (fields.auth !== undefined) {
        const b = /^Bearer +(\S+)$/i.exec(fields.auth);
        if (b) token = b[1];
    }
    if (token === null) return null;
    return { user, token, host: fields.host, port: fields.port };
}

function decodeB64(line) {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(line) || line.length % 4 !== 0) return null;
    return Buffer.from(line, 'base64').toString('latin1');
}

// Shared by XOAUTH2 and OAUTHBEARER: `this` is the SMTPConnection.
function oauthResponse(mech, twoStep, line, callback) {
    line = (line || '').toString().trim();
    if (twoStep && line === '*') {
        logLine({ mech, user: null, token: null, ok: false, two_step: twoStep, error_reply: null, aborted: true });
        this.send(501, '5.7.0 Authentication aborted', false);
        return callback();
    }
    const text = decodeB64(line);
    const parsed = text === null ? null : mech === 'XOAUTH2' ? parseXOAUTH2(text) : parseOAUTHBEARER(text);
    if (!parsed) {
        logLine({ mech, user: null, token: null, ok: false, two_step: twoStep, error_reply: null, malformed: true });
        this.send(501, '5.5.2 Malformed ' + mech + ' initial response', false);
        return callback();
    }
    const entry = { mech, user: parsed.user, token: parsed.token.slice(0, 8), ok: false, two_step: twoStep, error_reply: null };
    if (mech === 'OAUTHBEARER') {
        entry.host = parsed.host === undefined ? null : parsed.host;
        entry.port = parsed.port === undefined ? null : parsed.port;
    }
    if (tokenValid(parsed.token)) {
        entry.ok = true;
        logLine(entry);
        // smtp-server treats a falsy session.user as "not authenticated": keep the real (possibly
        // absent or empty) identity apart for the envelope log
        this.session.posternUser = parsed.user;
        this.session.user = parsed.user || '(' + mech + ' without user)';
        this.session.transmissionType = this._transmissionType();
        this.send(235, '2.7.0 Accepted', false);
        return callback();
    }
    // Gmail / RFC 7628 failure: a 334 challenge carrying the error JSON, then the final reply.
    this._nextHandler = (reply, cb) => {
        reply = (reply || '').toString().trim();
        entry.error_reply = reply;
        logLine(entry);
        if (reply === '*') {
            this.send(501, '5.7.0 Authentication aborted', false);
        } else {
            this.send(535, '5.7.8 Username and Password not accepted', false);
        }
        return cb();
    };
    this.send(334, Buffer.from(ERROR_JSON).toString('base64'));
    return callback();
}

function oauthMechanism(mech) {
    return function (args, callback) {
        if (args.length > 1) {
            this.send(501, '5.5.4 Error: syntax: AUTH ' + mech + ' [initial-response]', false);
            return callback();
        }
        if (!args.length) {
            this._nextHandler = oauthResponse.bind(this, mech, true);
            this.send(334); // "334 " with empty text
            return callback();
        }
        return oauthResponse.call(this, mech, false, args[0], callback);
    };
}

sasl.SASL_XOAUTH2 = oauthMechanism('XOAUTH2');
sasl.SASL_OAUTHBEARER = oauthMechanism('OAUTHBEARER');

// PLAIN uses the library's handler and onAuth below; remember whether it was two-step.
const builtinPlain = sasl.SASL_PLAIN;
sasl.SASL_PLAIN = function (args, callback) {
    this.session.posternTwoStep = !args.length;
    return builtinPlain.call(this, args, callback);
};

// Like real submission servers, do not advertise AUTH before TLS.
const builtinEhlo = SMTPConnection.prototype.handler_EHLO;
SMTPConnection.prototype.handler_EHLO = function (command, callback) {
    if (this.secure) return builtinEhlo.call(this, command, callback);
    const saved = this._server.options.authMethods;
    this._server.options.authMethods = [];
    try {
        return builtinEhlo.call(this, command, callback);
    } finally {
        this._server.options.authMethods = saved; // handler_EHLO builds its reply synchronously
    }
};

function mboxDate(d) {
    // asctime() style: "Thu Jan  1 00:00:00 2024" (UTC)
    const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
    const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    const p2 = n => String(n).padStart(2, '0');
    return (
        days[d.getUTCDay()] + ' ' + months[d.getUTCMonth()] + ' ' + String(d.getUTCDate()).padStart(2, ' ') + ' ' +
        p2(d.getUTCHours()) + ':' + p2(d.getUTCMinutes()) + ':' + p2(d.getUTCSeconds()) + ' ' + d.getUTCFullYear()
    );
}

const tls = opts.implicit;
const server = new SMTPServer({
    secure: tls,
    key: fs.readFileSync(opts.key),
    cert: fs.readFileSync(opts.cert),
    minVersion: 'TLSv1.2',
    name: 'localhost',
    banner: 'postern OAuth test server',
    authMethods: opts.mechs,
    authOptional: false,
    allowInsecureAuth: false,
    size: opts.size || undefined,
    maxCommandLength: 64 * 1024, // default is 4 KiB; long Microsoft-style tokens stay well below this
    maxAllowedUnauthenticatedCommands: false, // SASL continuation lines count as commands otherwise
    hideENHANCEDSTATUSCODES: false, // off by default in smtp-server; Gmail and Microsoft have it
    disabledCommands: [],
    disableReverseLookup: true,
    logger: false,
    onAuth(auth, session, callback) {
        // only PLAIN reaches here; XOAUTH2 and OAUTHBEARER are handled above
        const ok = auth.method === 'PLAIN' && auth.username === 'plainuser' && auth.password === 'plainpass';
        logLine({ mech: auth.method, user: auth.username, token: null, ok, two_step: !!session.posternTwoStep, error_reply: null });
        if (!ok) return callback(null, { message: 'Username and Password not accepted' });
        return callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
        const chunks = [];
        stream.on('data', c => chunks.push(c));
        stream.on('error', err => callback(err));
        stream.on('end', () => {
            if (stream.sizeExceeded) {
                const err = new Error('Error: message exceeds fixed maximum message size ' + opts.size);
                err.responseCode = 552;
                return callback(err);
            }
            const raw = Buffer.concat(chunks);
            const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
            let body = raw.toString('latin1').replace(/\r\n/g, '\n');
            body = body.replace(/^(>*From )/gm, '>$1');
            if (body.length && !body.endsWith('\n')) body += '\n';
            const out = 'From ' + (from || 'MAILER-DAEMON') + ' ' + mboxDate(new Date()) + '\n' + body + '\n';
            try {
                fs.appendFileSync(opts.mailbox, Buffer.from(out, 'latin1'));
            } catch (err) {
                process.stderr.write('oauth_smtp: cannot write mailbox: ' + err.message + '\n');
                const e = new Error('Local error writing mailbox');
                e.responseCode = 451;
                return callback(e);
            }
            logLine({
                mail_from: from,
                rcpt_to: session.envelope.rcptTo.map(r => r.address),
                user: session.posternUser !== undefined ? session.posternUser : session.user === undefined ? null : session.user,
                size: raw.length
            });
            return callback(null, 'Message accepted');
        });
    }
});

server.on('error', err => {
    process.stderr.write('oauth_smtp: ' + (err && err.message ? err.message : String(err)) + '\n');
});
process.on('uncaughtException', err => {
    process.stderr.write('oauth_smtp: uncaught: ' + (err && err.stack ? err.stack : String(err)) + '\n');
});

server.listen(opts.port, '127.0.0.1', () => {
    const port = server.server.address().port;
    const tmp = opts.log + '.port.tmp';
    fs.writeFileSync(tmp, String(port) + '\n');
    fs.renameSync(tmp, opts.log + '.port');
    process.stderr.write('oauth_smtp: listening on 127.0.0.1:' + port + (tls ? ' (implicit TLS)' : ' (STARTTLS)') + '\n');
});

for (const sig of ['SIGTERM', 'SIGINT']) {
    process.on(sig, () => process.exit(0));
}
