/* Unit tests for smtp.c: the state machine driven with canned replies, no
 * sockets. Each scenario is a script of server replies (or the events
 * "!tls" and "!body" that the session would report), and for each step
 * the action the machine must return and the exact bytes it must have
 * queued in `out` (the session sends and wipes `out` after each step).
 * At the end: the error kind, part of the message, whether the connection
 * is aborted without QUIT, and how many warnings went to stderr. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "b64.h"
#include "log.h"
#include "smtp.h"
#include "tap.h"

#define STEPS_MAX 32

struct step {
	const char *reply;         /* lines joined by '\n'; "!tls", "!body"; NULL ends */
	enum smtp_action act;
	const char *out;           /* the commands queued by this step */
};

struct scenario {
	const char *name;
	int tls_active;            /* implicit TLS */
	int no_auth;               /* no user: no AUTH */
	enum auth_choice auth;
	enum refused_policy refused;
	int null_sender;
	int nrcpt;                 /* 0: two */
	long long size;            /* 0: 1234 */
	int has_8bit;
	int long_lines;
	enum body_type body_type;
	int rcpt_other_domain;     /* the second recipient is b@example.org */
	struct step steps[STEPS_MAX];
	enum err_kind kind;
	const char *msg;           /* substring of the error message */
	int abort;                 /* abort_connection at the end */
	int warnings;              /* "postern: warning:" lines on stderr */
};

static const char *const action_names[] = {"READ", "STARTTLS", "SEND_BODY", "SEND_CHUNK", "CLOSE",
					   "FAIL", "MSG_DONE", "MSG_FAILED", "DOWNGRADE", "RECONNECT"};

/* Server replies. */
#define R220 "220 mx.test ESMTP Postfix"
#define EHLO_PRE "250-mx.test\n250-STARTTLS\n250 8BITMIME"
#define EHLO_POST "250-mx.test\n250-AUTH PLAIN LOGIN\n250 8BITMIME"
#define EHLO_POST_PIPE "250-mx.test\n250-PIPELINING\n250-SIZE 10240000\n250-AUTH PLAIN LOGIN\n" \
		       "250-8BITMIME\n250 ENHANCEDSTATUSCODES"
#define EHLO_CHUNK "250-mx.test\n250-PIPELINING\n250-SIZE\n250-CHUNKING\n250-AUTH PLAIN\n" \
		   "250-8BITMIME\n250 ENHANCEDSTATUSCODES"
#define EHLO_CHUNK_BIN "250-mx.test\n250-PIPELINING\n250-SIZE\n250-CHUNKING\n250-BINARYMIME\n" \
		       "250-AUTH PLAIN\n250 8BITMIME"
#define EHLO_LIMITS(l) "250-mx.test\n250-PIPELINING\n250-SIZE\n250-CHUNKING\n250-LIMITS " l "\n" \
		       "250 AUTH PLAIN"
#define EHLO_NO_TLS "250-mx.test\n250-PIPELINING\n250-AUTH PLAIN LOGIN\n250 8BITMIME"
#define OK250 "250 2.0.0 Ok"
#define GO354 "354 End data with <CR><LF>.<CR><LF>"
#define QUEUED "250 2.0.0 Ok: queued as 4F1"

/* Commands. */
#define EHLO "EHLO client.test\r\n"
#define C_AUTH_PLAIN "AUTH PLAIN AHVzZXIAcGFzcw==\r\n"
#define MAIL "MAIL FROM:<me@example.com>\r\n"
#define RCPT_A "RCPT TO:<a@example.com>\r\n"
#define RCPT_B "RCPT TO:<b@example.com>\r\n"
#define DATA "DATA\r\n"
#define QUIT "QUIT\r\n"

/* Greeting, EHLO, STARTTLS, TLS, EHLO again. */
#define TO_TLS {R220, SMTP_READ, EHLO}, {EHLO_PRE, SMTP_READ, "STARTTLS\r\n"}, \
	{"220 2.0.0 Ready to start TLS", SMTP_STARTTLS, ""}, {"!tls", SMTP_READ, EHLO}
/* ... then AUTH PLAIN accepted, and `next` queued. */
#define TO_MAIL(ehlo, next) TO_TLS, {ehlo, SMTP_READ, C_AUTH_PLAIN}, \
	{"235 2.7.0 Authentication successful", SMTP_READ, next}
/* ... the same when the flight ends with a BDAT chunk to send. */
#define TO_CHUNK(ehlo, next) TO_TLS, {ehlo, SMTP_READ, C_AUTH_PLAIN}, \
	{"235 2.7.0 Authentication successful", SMTP_SEND_CHUNK, next}
/* The tail of a delivery once DATA got its 354. */
#define DELIVER {"!body", SMTP_READ, ""}, {QUEUED, SMTP_CLOSE, QUIT}, {"221 2.0.0 Bye", SMTP_CLOSE, ""}
/* Non-pipelined MAIL, RCPT a, RCPT b all accepted, DATA queued. */
#define TO_DATA TO_MAIL(EHLO_POST, MAIL), {OK250, SMTP_READ, RCPT_A}, {OK250, SMTP_READ, RCPT_B}, \
	{OK250, SMTP_READ, DATA}
/* Pipelined: MAIL, RCPT a, RCPT b and DATA in one flight. */
#define PIPELINED_FLIGHT MAIL_SIZE RCPT_A RCPT_B DATA
#define MAIL_SIZE "MAIL FROM:<me@example.com> SIZE=1234\r\n"

static const struct scenario scenarios[] = {
	{.name = "happy path without PIPELINING",
	 .steps = {TO_DATA, {GO354, SMTP_SEND_BODY, ""}, DELIVER}},
	{.name = "happy path with PIPELINING: MAIL, RCPTs and DATA in one flight",
	 .steps = {TO_MAIL(EHLO_POST_PIPE, PIPELINED_FLIGHT), {OK250, SMTP_READ, ""},
		   {OK250, SMTP_READ, ""}, {OK250, SMTP_READ, ""}, {GO354, SMTP_SEND_BODY, ""}, DELIVER}},
	{.name = "implicit TLS: no STARTTLS, AUTH right after EHLO", .tls_active = 1,
	 .steps = {{R220, SMTP_READ, EHLO}, {EHLO_POST, SMTP_READ, C_AUTH_PLAIN},
		   {"235 2.7.0 ok", SMTP_READ, MAIL}, {OK250, SMTP_READ, RCPT_A}, {OK250, SMTP_READ, RCPT_B},
		   {OK250, SMTP_READ, DATA}, {GO354, SMTP_SEND_BODY, ""}, DELIVER}},
	{.name = "implicit TLS: STARTTLS offered anyway is not used", .tls_active = 1, .no_auth = 1,
	 .nrcpt = 1,
	 .steps = {{R220, SMTP_READ, EHLO}, {EHLO_PRE, SMTP_READ, MAIL}, {OK250, SMTP_READ, RCPT_A},
		   {OK250, SMTP_READ, DATA}, {GO354, SMTP_SEND_BODY, ""}, DELIVER}},
	{.name = "no user: no AUTH even when offered", .no_auth = 1, .nrcpt = 1,
	 .steps = {TO_TLS, {EHLO_POST, SMTP_READ, MAIL}, {OK250, SMTP_READ, RCPT_A},
		   {OK250, SMTP_READ, DATA}, {GO354, SMTP_SEND_BODY, ""}, DELIVER}},
	{.name = "the null sender is MAIL FROM:<>", .null_sender = 1, .nrcpt = 1,
	 .steps = {TO_MAIL(EHLO_POST, "MAIL FROM:<>\r\n"), {OK250, SMTP_READ, RCPT_A},
		   {OK250, SMTP_READ, DATA}, {GO354, SMTP_SEND_BODY, ""}, DELIVER}},

	/* TLS is required. */
	{.name = "STARTTLS not offered: fail, no AUTH, no MAIL",
	 .steps = {{R220, SMTP_READ, EHLO}, {EHLO_NO_TLS, SMTP_FAIL, QUIT}},
	 .kind = ERR_UNAVAILABLE, .msg = "did not offer TLS"},
	{.name = "STARTTLS refused with 454: temporary",
	 .steps = {{R220, SMTP_READ, EHLO}, {EHLO_PRE, SMTP_READ, "STARTTLS\r\n"},
		   {"454 4.7.0 TLS not available due to local problem", SMTP_FAIL, QUIT}},
	 .kind = ERR_TEMP, .msg = "454 4.7.0"},
	{.name = "STARTTLS refused with 502: unavailable",
	 .steps = {{R220, SMTP_READ, EHLO}, {EHLO_PRE, SMTP_READ, "STARTTLS\r\n"},
		   {"502 5.5.1 no", SMTP_FAIL, QUIT}},
	 .kind = ERR_UNAVAILABLE, .msg = "STARTTLS"},
	{.name = "EHLO 502 falls back to HELO, which offers no STARTTLS: fail",
	 .steps = {{R220, SMTP_READ, EHLO},
		   {"502 5.5.2 Error: command not recognized", SMTP_READ, "HELO client.test\r\n"},
		   {"250 mx.test", SMTP_FAIL, QUIT}},
	 .kind = ERR_UNAVAILABLE, .msg = "did not offer TLS"},
	{.name = "EHLO 500 falls back to HELO too",
	 .steps = {{R220, SMTP_READ, EHLO}, {"500 unrecognized", SMTP_READ, "HELO client.test\r\n"},
		   {"250 mx.test", SMTP_FAIL, QUIT}},
	 .kind = ERR_UNAVAILABLE},
	{.name = "HELO refused",
	 .steps = {{R220, SMTP_READ, EHLO}, {"502 no", SMTP_READ, "HELO client.test\r\n"},
		   {"550 go away", SMTP_FAIL, QUIT}},
	 .kind = ERR_UNAVAILABLE, .msg = "HELO"},
	{.name = "EHLO 550 is permanent (no HELO)",
	 .steps = {{R220, SMTP_READ, EHLO}, {"550 5.7.1 no", SMTP_FAIL, QUIT}},
	 .kind = ERR_UNAVAILABLE, .msg = "EHLO"},
	{.name = "greeting 554: unavailable",
	 .steps = {{"554 5.3.2 no service", SMTP_FAIL, QUIT}}, .kind = ERR_UNAVAILABLE,
	 .msg = "greeting"},
	{.name = "capabilities from before STARTTLS are forgotten",
	 .steps = {{R220, SMTP_READ, EHLO},
		   {"250-mx.test\n250-PIPELINING\n250-SIZE 10\n250-STARTTLS\n250 AUTH PLAIN", SMTP_READ,
		    "STARTTLS\r\n"},
		   {"220 go", SMTP_STARTTLS, ""}, {"!tls", SMTP_READ, EHLO},
		   {"250-mx.test\n250 AUTH PLAIN", SMTP_READ, C_AUTH_PLAIN},
		   {"235 ok", SMTP_READ, MAIL}, {OK250, SMTP_READ, RCPT_A}, {OK250, SMTP_READ, RCPT_B},
		   {OK250, SMTP_READ, DATA}, {GO354, SMTP_SEND_BODY, ""}, DELIVER}},

	/* Authentication. */
	{.name = "AUTH 535: authentication refused",
	 .steps = {TO_TLS, {EHLO_POST, SMTP_READ, C_AUTH_PLAIN},
		   {"535 5.7.8 Error: authentication failed", SMTP_FAIL, QUIT}},
	 .kind = ERR_NOPERM, .msg = "535 5.7.8"},
	{.name = "AUTH 454: temporary",
	 .steps = {TO_TLS, {EHLO_POST, SMTP_READ, C_AUTH_PLAIN},
		   {"454 4.7.0 Temporary authentication failure", SMTP_FAIL, QUIT}},
	 .kind = ERR_TEMP, .msg = "454 4.7.0"},
	{.name = "AUTH LOGIN with two 334s", .auth = AUTH_LOGIN, .nrcpt = 1,
	 .steps = {TO_TLS, {EHLO_POST, SMTP_READ, "AUTH LOGIN\r\n"},
		   {"334 VXNlcm5hbWU6", SMTP_READ, "dXNlcg==\r\n"},
		   {"334 UGFzc3dvcmQ6", SMTP_READ, "cGFzcw==\r\n"},
		   {"235 2.7.0 ok", SMTP_READ, MAIL}, {OK250, SMTP_READ, RCPT_A},
		   {OK250, SMTP_READ, DATA}, {GO354, SMTP_SEND_BODY, ""}, DELIVER}},
	{.name = "AUTH LOGIN: a third 334 is a protocol error, cancelled with *", .auth = AUTH_LOGIN,
	 .steps = {TO_TLS, {EHLO_POST, SMTP_READ, "AUTH LOGIN\r\n"},
		   {"334 VXNlcm5hbWU6", SMTP_READ, "dXNlcg==\r\n"},
		   {"334 UGFzc3dvcmQ6", SMTP_READ, "cGFzcw==\r\n"}, {"334 again", SMTP_FAIL, "*\r\n" QUIT}},
	 .kind = ERR_PROTOCOL},
	{.name = "AUTH PLAIN: a 334 after the initial response is a protocol error, cancelled with *",
	 .steps = {TO_TLS, {EHLO_POST, SMTP_READ, C_AUTH_PLAIN}, {"334 ", SMTP_FAIL, "*\r\n" QUIT}},
	 .kind = ERR_PROTOCOL},
	{.name = "CRAM-MD5 challenge that is not base64 ('334 Rubbish'): cancelled with *",
	 .auth = AUTH_CRAM,
	 .steps = {TO_TLS, {"250-mx.test\n250 AUTH CRAM-MD5", SMTP_READ, "AUTH CRAM-MD5\r\n"},
		   {"334 Rubbish", SMTP_FAIL, "*\r\n" QUIT}},
	 .kind = ERR_PROTOCOL},
	{.name = "auth = auto takes LOGIN when only LOGIN is offered", .nrcpt = 1,
	 .steps = {TO_TLS, {"250-mx.test\n250 AUTH=LOGIN", SMTP_READ, "AUTH LOGIN\r\n"},
		   {"334 VXNlcm5hbWU6", SMTP_READ, "dXNlcg==\r\n"},
		   {"334 UGFzc3dvcmQ6", SMTP_READ, "cGFzcw==\r\n"}, {"235 ok", SMTP_READ, MAIL},
		   {OK250, SMTP_READ, RCPT_A}, {OK250, SMTP_READ, DATA}, {GO354, SMTP_SEND_BODY, ""},
		   DELIVER}},
	{.name = "auth = plain when only LOGIN is offered: fail before AUTH", .auth = AUTH_PLAIN,
	 .steps = {TO_TLS, {"250-mx.test\n250 AUTH LOGIN", SMTP_FAIL, QUIT}},
	 .kind = ERR_UNAVAILABLE, .msg = "does not offer PLAIN"},
	{.name = "no AUTH offered but a user is set: fail",
	 .steps = {TO_TLS, {"250-mx.test\n250 8BITMIME", SMTP_FAIL, QUIT}},
	 .kind = ERR_UNAVAILABLE, .msg = "offers no authentication"},
	{.name = "only unknown mechanisms offered: fail",
	 .steps = {TO_TLS, {"250-mx.test\n250 AUTH GSSAPI NTLM", SMTP_FAIL, QUIT}},
	 .kind = ERR_UNAVAILABLE, .msg = "no mechanism"},

	/* MAIL parameters. */
	{.name = "SIZE limit smaller than the message: ERR_DATA before MAIL", .size = 2000000,
	 .steps = {TO_TLS, {"250-mx.test\n250-SIZE 1000000\n250 AUTH PLAIN", SMTP_READ, C_AUTH_PLAIN},
		   {"235 2.7.0 ok", SMTP_FAIL, QUIT}},
	 .kind = ERR_DATA, .msg = "the message is 2000000 bytes, the server accepts at most 1000000"},
	{.name = "SIZE limit equal to the message size is fine", .size = 1000000, .nrcpt = 1,
	 .steps = {TO_MAIL("250-mx.test\n250-SIZE 1000000\n250 AUTH PLAIN",
			   "MAIL FROM:<me@example.com> SIZE=1000000\r\n"),
		   {OK250, SMTP_READ, RCPT_A}, {OK250, SMTP_READ, DATA}, {GO354, SMTP_SEND_BODY, ""},
		   DELIVER}},
	{.name = "SIZE without a limit: SIZE= declared", .nrcpt = 1,
	 .steps = {TO_MAIL("250-mx.test\n250-SIZE\n250 AUTH PLAIN", MAIL_SIZE),
		   {OK250, SMTP_READ, RCPT_A}, {OK250, SMTP_READ, DATA}, {GO354, SMTP_SEND_BODY, ""},
		   DELIVER}},
	{.name = "BODY=8BITMIME when the message has 8-bit bytes and it is offered", .has_8bit = 1,
	 .nrcpt = 1,
	 .steps = {TO_MAIL(EHLO_POST, "MAIL FROM:<me@example.com> BODY=8BITMIME\r\n"),
		   {OK250, SMTP_READ, RCPT_A}, {OK250, SMTP_READ, DATA}, {GO354, SMTP_SEND_BODY, ""},
		   DELIVER}},
	{.name = "SIZE= and BODY=8BITMIME together", .has_8bit = 1,
	 .steps = {TO_MAIL(EHLO_POST_PIPE, "MAIL FROM:<me@example.com> SIZE=1234 BODY=8BITMIME\r\n"
			   RCPT_A RCPT_B DATA),
		   {OK250, SMTP_READ, ""}, {OK250, SMTP_READ, ""}, {OK250, SMTP_READ, ""},
		   {GO354, SMTP_SEND_BODY, ""}, DELIVER}},
	{.name = "8-bit bytes and no 8BITMIME offered: a 7-bit copy is asked for before MAIL",
	 .has_8bit = 1, .nrcpt = 1,
	 .steps = {TO_TLS, {"250-mx.test\n250 AUTH PLAIN", SMTP_READ, C_AUTH_PLAIN},
		   {"235 2.7.0 ok", SMTP_DOWNGRADE, ""}, {"!downgraded", SMTP_READ, MAIL},
		   {OK250, SMTP_READ, RCPT_A}, {OK250, SMTP_READ, DATA}, {GO354, SMTP_SEND_BODY, ""},
		   DELIVER}},
	{.name = "a line over 998 octets, 8BITMIME but no BINARYMIME: a 7-bit copy", .long_lines = 1,
	 .nrcpt = 1,
	 .steps = {TO_TLS, {EHLO_POST, SMTP_READ, C_AUTH_PLAIN},
		   {"235 2.7.0 ok", SMTP_DOWNGRADE, ""}, {"!downgraded", SMTP_READ, MAIL},
		   {OK250, SMTP_READ, RCPT_A}, {OK250, SMTP_READ, DATA}, {GO354, SMTP_SEND_BODY, ""},
		   DELIVER}},
	{.name = "no 7-bit copy could be made: the message fails", .has_8bit = 1, .nrcpt = 1,
	 .steps = {TO_TLS, {"250-mx.test\n250 AUTH PLAIN", SMTP_READ, C_AUTH_PLAIN},
		   {"235 2.7.0 ok", SMTP_DOWNGRADE, ""}, {"!nocopy", SMTP_FAIL, QUIT}},
	 .kind = ERR_DATA, .msg = "cannot be downgraded"},
	{.name = "no BODY=8BITMIME for a 7-bit message", .nrcpt = 1,
	 .steps = {TO_MAIL(EHLO_POST, MAIL), {OK250, SMTP_READ, RCPT_A},
		   {OK250, SMTP_READ, DATA}, {GO354, SMTP_SEND_BODY, ""}, DELIVER}},
	{.name = "MAIL 552: too large", .steps = {TO_MAIL(EHLO_POST, MAIL),
						  {"552 5.3.4 Message size exceeds", SMTP_FAIL, QUIT}},
	 .kind = ERR_DATA, .msg = "MAIL FROM:<me@example.com>"},
	{.name = "MAIL 553: sender refused", .steps = {TO_MAIL(EHLO_POST, MAIL),
						      {"553 5.7.1 Sender rejected", SMTP_FAIL, QUIT}},
	 .kind = ERR_UNAVAILABLE, .msg = "sender refused"},
	{.name = "MAIL 451: temporary", .steps = {TO_MAIL(EHLO_POST, MAIL),
						  {"451 4.3.0 try later", SMTP_FAIL, QUIT}},
	 .kind = ERR_TEMP},

	/* Recipients. */
	{.name = "one RCPT 550 with refused = all: ERR_NOUSER, no DATA sent",
	 .steps = {TO_MAIL(EHLO_POST, MAIL), {OK250, SMTP_READ, RCPT_A},
		   {"550 5.1.1 <a@example.com>: Recipient address rejected", SMTP_READ, RCPT_B},
		   {OK250, SMTP_FAIL, QUIT}},
	 .kind = ERR_NOUSER, .msg = "<a@example.com>: 550 5.1.1"},
	{.name = "pipelined: DATA 354 while a recipient was refused aborts without QUIT",
	 .steps = {TO_MAIL(EHLO_POST_PIPE, PIPELINED_FLIGHT), {OK250, SMTP_READ, ""},
		   {"550 5.1.1 unknown", SMTP_READ, ""}, {OK250, SMTP_READ, ""}, {GO354, SMTP_FAIL, ""}},
	 .kind = ERR_NOUSER, .msg = "1 of 2 recipients refused", .abort = 1},
	{.name = "pipelined: all refused and DATA 554: ERR_NOUSER",
	 .steps = {TO_MAIL(EHLO_POST_PIPE, PIPELINED_FLIGHT), {OK250, SMTP_READ, ""},
		   {"550 5.1.1 unknown a", SMTP_READ, ""}, {"550 5.1.1 unknown b", SMTP_READ, ""},
		   {"554 5.5.1 Error: no valid recipients", SMTP_FAIL, QUIT}},
	 .kind = ERR_NOUSER, .msg = "<b@example.com>: 550 5.1.1 unknown b"},
	{.name = "refused = skip: the body goes to the others", .refused = REFUSED_SKIP,
	 .steps = {TO_MAIL(EHLO_POST, MAIL), {OK250, SMTP_READ, RCPT_A},
		   {"550 5.1.1 unknown", SMTP_READ, RCPT_B}, {OK250, SMTP_READ, DATA},
		   {GO354, SMTP_SEND_BODY, ""}, DELIVER},
	 .warnings = 1},
	{.name = "refused = skip, pipelined: the body goes to the others", .refused = REFUSED_SKIP,
	 .steps = {TO_MAIL(EHLO_POST_PIPE, PIPELINED_FLIGHT), {OK250, SMTP_READ, ""},
		   {OK250, SMTP_READ, ""}, {"550 5.1.1 unknown", SMTP_READ, ""},
		   {GO354, SMTP_SEND_BODY, ""}, DELIVER},
	 .warnings = 1},
	{.name = "refused = skip, all refused: ERR_NOUSER", .refused = REFUSED_SKIP,
	 .steps = {TO_MAIL(EHLO_POST, MAIL), {OK250, SMTP_READ, RCPT_A},
		   {"550 5.1.1 unknown", SMTP_READ, RCPT_B}, {"550 5.1.1 unknown", SMTP_FAIL, QUIT}},
	 .kind = ERR_NOUSER, .msg = "2 of 2 recipients refused"},
	{.name = "RCPT 451: temporary, nothing sent",
	 .steps = {TO_MAIL(EHLO_POST, MAIL), {OK250, SMTP_READ, RCPT_A},
		   {"451 4.3.0 greylisted", SMTP_READ, RCPT_B}, {OK250, SMTP_FAIL, QUIT}},
	 .kind = ERR_TEMP, .msg = "deferred"},
	{.name = "RCPT 451 with refused = skip is still temporary", .refused = REFUSED_SKIP,
	 .steps = {TO_MAIL(EHLO_POST, MAIL), {OK250, SMTP_READ, RCPT_A},
		   {"451 4.3.0 greylisted", SMTP_READ, RCPT_B}, {OK250, SMTP_FAIL, QUIT}},
	 .kind = ERR_TEMP},

	{.name = "one RCPT 550 and one 451 with refused = all: refused for good (67), both named",
	 .steps = {TO_MAIL(EHLO_POST, MAIL), {OK250, SMTP_READ, RCPT_A},
		   {"550 5.1.1 unknown", SMTP_READ, RCPT_B}, {"451 4.3.0 greylisted", SMTP_FAIL, QUIT}},
	 .kind = ERR_NOUSER, .msg = "1 of 2 recipients refused by server, 1 deferred, nothing sent"},
	{.name = "one RCPT 550 and one 451 with refused = skip: temporary, the refused one dropped",
	 .refused = REFUSED_SKIP,
	 .steps = {TO_MAIL(EHLO_POST, MAIL), {OK250, SMTP_READ, RCPT_A},
		   {"550 5.1.1 unknown", SMTP_READ, RCPT_B}, {"451 4.3.0 greylisted", SMTP_FAIL, QUIT}},
	 .kind = ERR_TEMP, .msg = "1 of 2 recipients deferred by server (the refused ones are dropped"},

	/* 421 anywhere: temporary, no QUIT. */
	{.name = "421 as greeting", .steps = {{"421 4.3.2 busy", SMTP_FAIL, ""}},
	 .kind = ERR_TEMP, .abort = 1},
	{.name = "421 to EHLO", .steps = {{R220, SMTP_READ, EHLO}, {"421 4.3.2 bye", SMTP_FAIL, ""}},
	 .kind = ERR_TEMP, .abort = 1},
	{.name = "421 to AUTH", .steps = {TO_TLS, {EHLO_POST, SMTP_READ, C_AUTH_PLAIN},
					  {"421 4.3.2 bye", SMTP_FAIL, ""}},
	 .kind = ERR_TEMP, .abort = 1},
	{.name = "421 to RCPT", .steps = {TO_MAIL(EHLO_POST, MAIL), {OK250, SMTP_READ, RCPT_A},
					  {"421 4.3.2 bye", SMTP_FAIL, ""}},
	 .kind = ERR_TEMP, .abort = 1},
	{.name = "421 to the final dot",
	 .steps = {TO_DATA, {GO354, SMTP_SEND_BODY, ""}, {"!body", SMTP_READ, ""},
		   {"421 4.3.2 bye", SMTP_FAIL, ""}},
	 .kind = ERR_TEMP, .abort = 1},

	/* DATA and the final reply. */
	{.name = "DATA 554: unavailable",
	 .steps = {TO_DATA, {"554 5.5.1 no", SMTP_FAIL, QUIT}}, .kind = ERR_UNAVAILABLE},
	{.name = "DATA 451: temporary", .steps = {TO_DATA, {"451 4.3.0 later", SMTP_FAIL, QUIT}},
	 .kind = ERR_TEMP},
	{.name = "final 552: ERR_DATA",
	 .steps = {TO_DATA, {GO354, SMTP_SEND_BODY, ""}, {"!body", SMTP_READ, ""},
		   {"552 5.3.4 Message size exceeds fixed limit", SMTP_FAIL, QUIT}},
	 .kind = ERR_DATA, .msg = "too large"},
	{.name = "final 554: ERR_UNAVAILABLE",
	 .steps = {TO_DATA, {GO354, SMTP_SEND_BODY, ""}, {"!body", SMTP_READ, ""},
		   {"554 5.7.1 spam", SMTP_FAIL, QUIT}},
	 .kind = ERR_UNAVAILABLE, .msg = "554 5.7.1 spam"},
	{.name = "final 451: ERR_TEMP",
	 .steps = {TO_DATA, {GO354, SMTP_SEND_BODY, ""}, {"!body", SMTP_READ, ""},
		   {"451 4.3.0 later", SMTP_FAIL, QUIT}},
	 .kind = ERR_TEMP},

	/* CHUNKING (RFC 3030): BDAT instead of DATA. */
	{.name = "CHUNKING and PIPELINING, one recipient: MAIL, RCPT and BDAT LAST in one flight",
	 .nrcpt = 1,
	 .steps = {TO_CHUNK(EHLO_CHUNK, MAIL_SIZE RCPT_A "BDAT 1234 LAST\r\n"),
		   {"!chunk", SMTP_READ, ""}, {OK250, SMTP_READ, ""}, {OK250, SMTP_READ, ""},
		   {QUEUED, SMTP_CLOSE, QUIT}, {"221 2.0.0 Bye", SMTP_CLOSE, ""}}},
	{.name = "CHUNKING, two recipients: the flight's BDAT has no LAST, BDAT 0 LAST follows",
	 .steps = {TO_CHUNK(EHLO_CHUNK, MAIL_SIZE RCPT_A RCPT_B "BDAT 1234\r\n"),
		   {"!chunk", SMTP_READ, ""}, {OK250, SMTP_READ, ""}, {OK250, SMTP_READ, ""},
		   {OK250, SMTP_READ, ""}, {"250 2.0.0 1234 octets received", SMTP_READ, "BDAT 0 LAST\r\n"},
		   {QUEUED, SMTP_CLOSE, QUIT}, {"221 2.0.0 Bye", SMTP_CLOSE, ""}}},
	{.name = "CHUNKING, a recipient refused in the flight: no LAST ever goes, nothing delivered",
	 .steps = {TO_CHUNK(EHLO_CHUNK, MAIL_SIZE RCPT_A RCPT_B "BDAT 1234\r\n"),
		   {"!chunk", SMTP_READ, ""}, {OK250, SMTP_READ, ""}, {OK250, SMTP_READ, ""},
		   {"550 5.1.1 <b@example.com>: unknown", SMTP_READ, ""},
		   {"250 2.0.0 1234 octets received", SMTP_FAIL, QUIT}},
	 .kind = ERR_NOUSER, .msg = "1 of 2 recipients refused by server, nothing sent"},
	{.name = "CHUNKING, a recipient deferred in the flight: temporary, nothing delivered",
	 .steps = {TO_CHUNK(EHLO_CHUNK, MAIL_SIZE RCPT_A RCPT_B "BDAT 1234\r\n"),
		   {"!chunk", SMTP_READ, ""}, {OK250, SMTP_READ, ""}, {OK250, SMTP_READ, ""},
		   {"451 4.3.0 later", SMTP_READ, ""},
		   {"250 2.0.0 1234 octets received", SMTP_FAIL, QUIT}},
	 .kind = ERR_TEMP, .msg = "deferred"},
	{.name = "CHUNKING, every recipient refused: BDAT 554 and ERR_NOUSER",
	 .nrcpt = 1,
	 .steps = {TO_CHUNK(EHLO_CHUNK, MAIL_SIZE RCPT_A "BDAT 1234 LAST\r\n"),
		   {"!chunk", SMTP_READ, ""}, {OK250, SMTP_READ, ""}, {"550 5.1.1 unknown", SMTP_READ, ""},
		   {"554 5.5.1 Error: no valid recipients", SMTP_FAIL, QUIT}},
	 .kind = ERR_NOUSER},
	{.name = "CHUNKING, 2.5 MiB: three chunks, the first in the flight, LAST on the third",
	 .nrcpt = 1, .size = 2621440,
	 .steps = {TO_CHUNK(EHLO_CHUNK, "MAIL FROM:<me@example.com> SIZE=2621440\r\n" RCPT_A
			   "BDAT 1048576\r\n"),
		   {"!chunk", SMTP_READ, ""}, {OK250, SMTP_READ, ""}, {OK250, SMTP_READ, ""},
		   {"250 2.0.0 ok", SMTP_SEND_CHUNK, "BDAT 1048576\r\n"},
		   {"!chunk", SMTP_SEND_CHUNK, "BDAT 524288 LAST\r\n"}, {"!chunk", SMTP_READ, ""},
		   {"250 2.0.0 ok", SMTP_READ, ""}, {QUEUED, SMTP_CLOSE, QUIT},
		   {"221 2.0.0 Bye", SMTP_CLOSE, ""}}},
	{.name = "CHUNKING without PIPELINING: one command at a time, BDAT LAST after the RCPTs",
	 .nrcpt = 1,
	 .steps = {TO_MAIL("250-mx.test\n250-CHUNKING\n250 AUTH PLAIN", MAIL), {OK250, SMTP_READ, RCPT_A},
		   {OK250, SMTP_SEND_CHUNK, "BDAT 1234 LAST\r\n"}, {"!chunk", SMTP_READ, ""},
		   {QUEUED, SMTP_CLOSE, QUIT}, {"221 2.0.0 Bye", SMTP_CLOSE, ""}}},
	{.name = "CHUNKING without PIPELINING, 2.5 MiB: each chunk waits for its reply",
	 .nrcpt = 1, .size = 2621440,
	 .steps = {TO_MAIL("250-mx.test\n250-CHUNKING\n250 AUTH PLAIN", MAIL), {OK250, SMTP_READ, RCPT_A},
		   {OK250, SMTP_SEND_CHUNK, "BDAT 1048576\r\n"}, {"!chunk", SMTP_READ, ""},
		   {OK250, SMTP_SEND_CHUNK, "BDAT 1048576\r\n"}, {"!chunk", SMTP_READ, ""},
		   {OK250, SMTP_SEND_CHUNK, "BDAT 524288 LAST\r\n"}, {"!chunk", SMTP_READ, ""},
		   {QUEUED, SMTP_CLOSE, QUIT}}},
	{.name = "CHUNKING, a refused middle chunk: no further chunk, the chunk in flight drained",
	 .nrcpt = 1, .size = 2621440,
	 .steps = {TO_CHUNK(EHLO_CHUNK, "MAIL FROM:<me@example.com> SIZE=2621440\r\n" RCPT_A
			   "BDAT 1048576\r\n"),
		   {"!chunk", SMTP_READ, ""}, {OK250, SMTP_READ, ""}, {OK250, SMTP_READ, ""},
		   {"250 2.0.0 ok", SMTP_SEND_CHUNK, "BDAT 1048576\r\n"},
		   {"!chunk", SMTP_SEND_CHUNK, "BDAT 524288 LAST\r\n"}, {"!chunk", SMTP_READ, ""},
		   {"554 5.6.0 bad content", SMTP_FAIL, QUIT}},
	 .kind = ERR_UNAVAILABLE, .msg = "BDAT: message refused by server: 554 5.6.0"},
	{.name = "CHUNKING: the last chunk 552 is ERR_DATA", .nrcpt = 1,
	 .steps = {TO_CHUNK(EHLO_CHUNK, MAIL_SIZE RCPT_A "BDAT 1234 LAST\r\n"),
		   {"!chunk", SMTP_READ, ""}, {OK250, SMTP_READ, ""}, {OK250, SMTP_READ, ""},
		   {"552 5.3.4 Message size exceeds fixed limit", SMTP_FAIL, QUIT}},
	 .kind = ERR_DATA, .msg = "too large"},
	{.name = "CHUNKING: the last chunk 451 is temporary", .nrcpt = 1,
	 .steps = {TO_CHUNK(EHLO_CHUNK, MAIL_SIZE RCPT_A "BDAT 1234 LAST\r\n"),
		   {"!chunk", SMTP_READ, ""}, {OK250, SMTP_READ, ""}, {OK250, SMTP_READ, ""},
		   {"451 4.3.0 later", SMTP_FAIL, QUIT}},
	 .kind = ERR_TEMP},
	{.name = "CHUNKING: MAIL refused in the flight fails the message", .nrcpt = 1,
	 .steps = {TO_CHUNK(EHLO_CHUNK, MAIL_SIZE RCPT_A "BDAT 1234 LAST\r\n"),
		   {"!chunk", SMTP_READ, ""}, {"553 5.7.1 Sender rejected", SMTP_FAIL, QUIT}},
	 .kind = ERR_UNAVAILABLE, .msg = "sender refused"},
	{.name = "8-bit with CHUNKING: BODY=8BITMIME and BDAT", .nrcpt = 1, .has_8bit = 1,
	 .steps = {TO_CHUNK(EHLO_CHUNK, "MAIL FROM:<me@example.com> SIZE=1234 BODY=8BITMIME\r\n" RCPT_A
			   "BDAT 1234 LAST\r\n"),
		   {"!chunk", SMTP_READ, ""}, {OK250, SMTP_READ, ""}, {OK250, SMTP_READ, ""},
		   {QUEUED, SMTP_CLOSE, QUIT}}},
	{.name = "a line over 998 octets with BINARYMIME and CHUNKING: BODY=BINARYMIME", .nrcpt = 1,
	 .long_lines = 1,
	 .steps = {TO_CHUNK(EHLO_CHUNK_BIN, "MAIL FROM:<me@example.com> SIZE=1234 BODY=BINARYMIME\r\n"
			   RCPT_A "BDAT 1234 LAST\r\n"),
		   {"!chunk", SMTP_READ, ""}, {OK250, SMTP_READ, ""}, {OK250, SMTP_READ, ""},
		   {QUEUED, SMTP_CLOSE, QUIT}}},
	{.name = "-B BINARYMIME on a plain message: declared when offered", .nrcpt = 1,
	 .body_type = BODY_BINARYMIME,
	 .steps = {TO_CHUNK(EHLO_CHUNK_BIN, "MAIL FROM:<me@example.com> SIZE=1234 BODY=BINARYMIME\r\n"
			   RCPT_A "BDAT 1234 LAST\r\n"),
		   {"!chunk", SMTP_READ, ""}, {OK250, SMTP_READ, ""}, {OK250, SMTP_READ, ""},
		   {QUEUED, SMTP_CLOSE, QUIT}}},
	{.name = "-B BINARYMIME on a plain message without BINARYMIME offered: 8BITMIME", .nrcpt = 1,
	 .body_type = BODY_BINARYMIME,
	 .steps = {TO_CHUNK(EHLO_CHUNK, "MAIL FROM:<me@example.com> SIZE=1234 BODY=8BITMIME\r\n" RCPT_A
			   "BDAT 1234 LAST\r\n"),
		   {"!chunk", SMTP_READ, ""}, {OK250, SMTP_READ, ""}, {OK250, SMTP_READ, ""},
		   {QUEUED, SMTP_CLOSE, QUIT}}},
	{.name = "-B 8BITMIME on a 7-bit message: BODY=8BITMIME", .nrcpt = 1,
	 .body_type = BODY_8BITMIME,
	 .steps = {TO_MAIL(EHLO_POST, "MAIL FROM:<me@example.com> BODY=8BITMIME\r\n"),
		   {OK250, SMTP_READ, RCPT_A}, {OK250, SMTP_READ, DATA}, {GO354, SMTP_SEND_BODY, ""},
		   DELIVER}},
	{.name = "-B 7BIT does not hide 8-bit content: BODY=8BITMIME all the same", .nrcpt = 1,
	 .has_8bit = 1, .body_type = BODY_7BIT,
	 .steps = {TO_MAIL(EHLO_POST, "MAIL FROM:<me@example.com> BODY=8BITMIME\r\n"),
		   {OK250, SMTP_READ, RCPT_A}, {OK250, SMTP_READ, DATA}, {GO354, SMTP_SEND_BODY, ""},
		   DELIVER}},
	{.name = "a reply while a chunk is in flight alone is read in order", .nrcpt = 1,
	 .steps = {TO_CHUNK(EHLO_CHUNK, MAIL_SIZE RCPT_A "BDAT 1234 LAST\r\n"),
		   {"!chunk", SMTP_READ, ""}, {OK250, SMTP_READ, ""}, {OK250, SMTP_READ, ""},
		   {QUEUED, SMTP_CLOSE, QUIT}, {"221 2.0.0 Bye", SMTP_CLOSE, ""},
		   {"250 extra", SMTP_FAIL, QUIT}},
	 .kind = ERR_PROTOCOL, .msg = "nobody asked for"},

	/* LIMITS (RFC 9422) and 452 too many recipients (RFC 5321 4.5.3.1.10). */
	{.name = "LIMITS RCPTMAX=1, two recipients: two transactions, each with BDAT LAST in flight",
	 .steps = {TO_CHUNK(EHLO_LIMITS("RCPTMAX=1"), MAIL_SIZE RCPT_A "BDAT 1234 LAST\r\n"),
		   {"!chunk", SMTP_READ, ""}, {OK250, SMTP_READ, ""}, {OK250, SMTP_READ, ""},
		   {QUEUED, SMTP_SEND_CHUNK, MAIL_SIZE RCPT_B "BDAT 1234 LAST\r\n"},
		   {"!chunk", SMTP_READ, ""}, {OK250, SMTP_READ, ""}, {OK250, SMTP_READ, ""},
		   {QUEUED, SMTP_CLOSE, QUIT}, {"221 2.0.0 Bye", SMTP_CLOSE, ""}}},
	{.name = "LIMITS RCPTDOMAINMAX=1: one domain per transaction", .rcpt_other_domain = 1,
	 .steps = {TO_CHUNK(EHLO_LIMITS("RCPTDOMAINMAX=1"), MAIL_SIZE RCPT_A "BDAT 1234 LAST\r\n"),
		   {"!chunk", SMTP_READ, ""}, {OK250, SMTP_READ, ""}, {OK250, SMTP_READ, ""},
		   {QUEUED, SMTP_SEND_CHUNK, MAIL_SIZE "RCPT TO:<b@example.org>\r\nBDAT 1234 LAST\r\n"},
		   {"!chunk", SMTP_READ, ""}, {OK250, SMTP_READ, ""}, {OK250, SMTP_READ, ""},
		   {QUEUED, SMTP_CLOSE, QUIT}}},
	{.name = "452 4.5.3 on the second RCPT: the first gets it, the second in a new transaction",
	 .steps = {TO_MAIL(EHLO_POST_PIPE, PIPELINED_FLIGHT), {OK250, SMTP_READ, ""},
		   {OK250, SMTP_READ, ""}, {"452 4.5.3 Error: too many recipients", SMTP_READ, ""},
		   {GO354, SMTP_SEND_BODY, ""}, {"!body", SMTP_READ, ""},
		   {QUEUED, SMTP_READ, MAIL_SIZE RCPT_B DATA}, {OK250, SMTP_READ, ""},
		   {OK250, SMTP_READ, ""}, {GO354, SMTP_SEND_BODY, ""}, DELIVER}},
	{.name = "452 too many recipients on the only RCPT of a transaction: temporary",
	 .nrcpt = 1,
	 .steps = {TO_MAIL(EHLO_POST, MAIL), {OK250, SMTP_READ, RCPT_A},
		   {"452 4.5.3 Error: too many recipients", SMTP_FAIL, QUIT}},
	 .kind = ERR_TEMP, .msg = "takes no more recipients"},
	{.name = "LIMITS MAILMAX=1 RCPTMAX=1: a new connection for the second transaction",
	 .steps = {TO_CHUNK(EHLO_LIMITS("MAILMAX=1 RCPTMAX=1"), MAIL_SIZE RCPT_A "BDAT 1234 LAST\r\n"),
		   {"!chunk", SMTP_READ, ""}, {OK250, SMTP_READ, ""}, {OK250, SMTP_READ, ""},
		   {QUEUED, SMTP_RECONNECT, QUIT}, {"!reconnect", SMTP_READ, ""},
		   {R220, SMTP_READ, EHLO}, {EHLO_PRE, SMTP_READ, "STARTTLS\r\n"},
		   {"220 2.0.0 go", SMTP_STARTTLS, ""}, {"!tls", SMTP_READ, EHLO},
		   {EHLO_LIMITS("MAILMAX=1 RCPTMAX=1"), SMTP_READ, C_AUTH_PLAIN},
		   {"235 2.7.0 ok", SMTP_SEND_CHUNK, MAIL_SIZE RCPT_B "BDAT 1234 LAST\r\n"},
		   {"!chunk", SMTP_READ, ""}, {OK250, SMTP_READ, ""}, {OK250, SMTP_READ, ""},
		   {QUEUED, SMTP_CLOSE, QUIT}}},

	/* Replies nobody asked for. */
	{.name = "a reply after STARTTLS's 220 and before TLS is a protocol error",
	 .steps = {{R220, SMTP_READ, EHLO}, {EHLO_PRE, SMTP_READ, "STARTTLS\r\n"},
		   {"220 go", SMTP_STARTTLS, ""}, {"250 injected", SMTP_FAIL, QUIT}},
	 .kind = ERR_PROTOCOL, .msg = "nobody asked for"},
	{.name = "a reply while the body is being sent is a protocol error",
	 .steps = {TO_DATA, {GO354, SMTP_SEND_BODY, ""}, {"250 early", SMTP_FAIL, QUIT}},
	 .kind = ERR_PROTOCOL, .msg = "nobody asked for"},
	{.name = "a reply after QUIT's is a protocol error",
	 .steps = {TO_DATA, {GO354, SMTP_SEND_BODY, ""}, DELIVER, {"250 extra", SMTP_FAIL, QUIT}},
	 .kind = ERR_PROTOCOL, .msg = "nobody asked for"},
};

static struct addr_list rcpts, other;

/* stderr goes to a temporary file while a scenario runs, so the
 * warnings can be counted. */
static int capture_start(FILE **f)
{
	int saved = dup(2);

	fflush(stderr);
	*f = tmpfile();
	if (saved < 0 || !*f)
		return -1;
	dup2(fileno(*f), 2);
	return saved;
}

static char *capture_end(FILE *f, int saved)
{
	static char text[8192];
	size_t n;

	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(f);
	n = fread(text, 1, sizeof text - 1, f);
	text[n] = '\0';
	fclose(f);
	return text;
}

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

/* Builds the reply from "250-a\n250 b". */
static int make_reply(struct reply *r, const char *text, struct err *e)
{
	int rc = 0;

	reply_reset(r);
	while (rc == 0) {
		const char *nl = strchr(text, '\n');
		size_t n = nl ? (size_t)(nl - text) : strlen(text);
		rc = reply_feed(r, text, n, e);
		if (!nl)
			break;
		text = nl + 1;
	}
	return rc;
}

static enum smtp_action step(struct smtp *s, struct reply *r, const char *what, struct err *e)
{
	if (strcmp(what, "!tls") == 0)
		return smtp_tls_started(s);
	if (strcmp(what, "!body") == 0)
		return smtp_body_sent(s);
	if (strcmp(what, "!chunk") == 0)
		return smtp_chunk_sent(s);
	if (strcmp(what, "!reconnect") == 0)
		return smtp_reconnected(s, 0);
	if (strcmp(what, "!downgraded") == 0) {
		static struct smtp_message seven;
		seven = *s->t->msg;
		seven.o.has_8bit = seven.o.long_lines = 0;
		return smtp_downgraded(s, &seven);
	}
	if (strcmp(what, "!nocopy") == 0) {
		err_set(s->t->e, ERR_DATA, "MIME part 2: cannot be downgraded");
		return smtp_downgraded(s, NULL);
	}
	if (make_reply(r, what, e) != 1) {
		diag("bad canned reply '%s': %s", what, e->msg);
		return (enum smtp_action)-1;
	}
	return smtp_on_reply(s, r);
}

static void run_scenario(const struct scenario *sc)
{
	struct smtp_params p = {
		.ehlo_name = "client.test", .tls_active = sc->tls_active, .auth = sc->auth,
		.creds = {sc->no_auth ? NULL : "user", "pass"}, .refused = sc->refused};
	struct smtp_message m = {
		.sender = sc->null_sender ? "" : "me@example.com", .rcpts = &rcpts,
		.size = sc->size ? sc->size : 1234, .o = {.has_8bit = sc->has_8bit,
		.long_lines = sc->long_lines, .body_type = sc->body_type}};
	struct addr_list one = {rcpts.v, 1};
	struct err e = {0}, fe = {0};
	struct smtp s;
	struct reply r;
	enum smtp_action act;
	int steps_ok = 1, saved;
	FILE *f;
	char *err_text;

	if (sc->nrcpt == 1)
		m.rcpts = &one;
	if (sc->rcpt_other_domain)
		m.rcpts = &other;
	reply_init(&r);
	saved = capture_start(&f);
	smtp_init(&s, &p, &m, &e);
	act = smtp_start(&s);
	if (act != SMTP_READ || s.out.len != 0)
		steps_ok = 0;
	for (int i = 0; i < STEPS_MAX && sc->steps[i].reply && steps_ok; i++) {
		const struct step *st = &sc->steps[i];
		act = step(&s, &r, st->reply, &fe);
		if (act != st->act || s.out.len != strlen(st->out) ||
		    memcmp(s.out.data ? s.out.data : "", st->out, s.out.len) != 0) {
			steps_ok = 0;
			printf("# step %d: after '%s'\n", i + 1, st->reply);
			printf("#   action: got %s, want %s\n",
			       (unsigned)act < 10 ? action_names[act] : "?", action_names[st->act]);
			tap_print_escaped("out got", s.out.data ? s.out.data : "", s.out.len);
			tap_print_escaped("out want", st->out, strlen(st->out));
			if (e.kind)
				diag("error: %s", e.msg);
		}
		buf_wipe(&s.out);   /* as the session does after sending */
	}
	err_text = saved >= 0 ? capture_end(f, saved) : "";
	ok(steps_ok, "%s: every step's action and commands", sc->name);
	if (!is_int(e.kind, sc->kind, "%s: error kind", sc->name) && e.kind)
		diag("message: %s", e.msg);
	if (sc->msg)
		like(e.msg, sc->msg, "%s: message", sc->name);
	is_int(s.abort_connection, sc->abort, "%s: abort_connection", sc->name);
	if (!is_int(count(err_text, "postern: warning:"), sc->warnings, "%s: warnings", sc->name))
		diag("stderr: %s", err_text);
	smtp_free(&s);
	reply_free(&r);
}

/* AUTH responses are in `out` in full (they must reach the server); the
 * -v transcript shows the verb and mechanism, never the secret. */
static void test_auth_redacted_only_in_log(void)
{
	struct smtp_params p = {.ehlo_name = "client.test", .tls_active = 1, .auth = AUTH_LOGIN,
				.creds = {"user", "pass"}};
	struct smtp_message m = {.sender = "me@example.com", .rcpts = &rcpts, .size = 10};
	struct err e = {0}, fe = {0};
	struct smtp s;
	struct reply r;
	int saved;
	FILE *f;
	char *log;
	char out[256] = "";

	reply_init(&r);
	log_set_verbose(1);
	saved = capture_start(&f);
	smtp_init(&s, &p, &m, &e);
	(void)smtp_start(&s);
	(void)step(&s, &r, R220, &fe);
	(void)step(&s, &r, EHLO_POST, &fe);
	(void)step(&s, &r, "334 VXNlcm5hbWU6", &fe);
	(void)step(&s, &r, "334 UGFzc3dvcmQ6", &fe);
	snprintf(out, sizeof out, "%s", s.out.data ? s.out.data : "");
	log = saved >= 0 ? capture_end(f, saved) : "";
	log_set_verbose(0);
	is_str(out, EHLO "AUTH LOGIN\r\ndXNlcg==\r\ncGFzcw==\r\n",
	       "AUTH LOGIN: the user and password responses are in out");
	like(log, "--> AUTH LOGIN", "the transcript shows AUTH LOGIN");
	is_int(count(log, "<redacted>"), 2, "the transcript redacts both LOGIN responses");
	ok(!strstr(log, "dXNlcg==") && !strstr(log, "cGFzcw=="),
	   "the transcript holds neither the user nor the password response");
	smtp_free(&s);

	p.auth = AUTH_PLAIN;
	saved = capture_start(&f);
	log_set_verbose(1);
	smtp_init(&s, &p, &m, &e);
	(void)smtp_start(&s);
	(void)step(&s, &r, R220, &fe);
	(void)step(&s, &r, EHLO_POST, &fe);
	snprintf(out, sizeof out, "%s", s.out.data ? s.out.data : "");
	log_set_verbose(0);
	log = saved >= 0 ? capture_end(f, saved) : "";
	is_str(out, EHLO C_AUTH_PLAIN, "AUTH PLAIN: the initial response is in out");
	like(log, "--> AUTH PLAIN <redacted>", "the transcript shows AUTH PLAIN <redacted>");
	ok(!strstr(log, "AHVzZXIAcGFzcw"), "the transcript does not hold the PLAIN response");
	smtp_free(&s);
	reply_free(&r);
}

/* Credentials too long for one 512-byte AUTH line go after an empty 334
 * (RFC 4954 section 4). */
static void test_long_plain(void)
{
	char password[600];
	struct smtp_params p = {.ehlo_name = "client.test", .tls_active = 1, .auth = AUTH_AUTO};
	struct smtp_message m = {.sender = "me@example.com", .rcpts = &rcpts, .size = 10};
	struct err e = {0}, fe = {0};
	struct buf want, raw;
	struct smtp s;
	struct reply r;

	memset(password, 'x', sizeof password - 1);
	password[sizeof password - 1] = '\0';
	p.creds.user = "user";
	p.creds.password = password;
	buf_init(&raw, 4096);
	buf_init(&want, 4096);
	if (buf_append(&raw, "\0user\0", 6) < 0 || buf_appends(&raw, password) < 0 ||
	    b64_encode(&want, raw.data, raw.len) < 0 || buf_appends(&want, "\r\n") < 0)
		diag("cannot build the expected response");
	reply_init(&r);
	smtp_init(&s, &p, &m, &e);
	(void)smtp_start(&s);
	(void)step(&s, &r, R220, &fe);
	buf_wipe(&s.out);
	is_int(step(&s, &r, EHLO_POST, &fe), SMTP_READ, "long PLAIN credentials: AUTH sent");
	is_str(s.out.data, "AUTH PLAIN\r\n", "long PLAIN credentials: AUTH PLAIN without a response");
	buf_wipe(&s.out);
	is_int(step(&s, &r, "334 ", &fe), SMTP_READ, "long PLAIN credentials: answer the 334");
	is_str(s.out.data, want.data, "long PLAIN credentials: the response on its own line");
	buf_wipe(&s.out);
	is_int(step(&s, &r, "235 ok", &fe), SMTP_READ, "long PLAIN credentials: accepted");
	is_str(s.out.data, MAIL, "long PLAIN credentials: then MAIL");
	is_int(e.kind, ERR_NONE, "long PLAIN credentials: no error");
	smtp_free(&s);
	reply_free(&r);
	buf_free(&raw);
	buf_free(&want);
}

static void test_state_names(void)
{
	is_str(smtp_state_name(S_GREETING), "GREETING", "state name GREETING");
	is_str(smtp_state_name(S_RCPT), "RCPT", "state name RCPT");
	is_str(smtp_state_name(S_STATE_COUNT), "?", "an out-of-range state has a name");
	for (int i = 0; i < S_STATE_COUNT; i++)
		if (!ok(smtp_state_name((enum smtp_state)i) != NULL, "state %d has a name", i))
			break;
}

/* OAuth refusals other than the token's own: no refresh for policy
 * codes, 5.7.139 explained, 4xx temporary. */
static const struct {
	const char *name, *reply;
	enum err_kind kind;
	enum err_detail detail;
	const char *msg;
} refusals[] = {
	{"5.7.139", "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled "
	 "for the Tenant", ERR_NOPERM, ERR_DETAIL_NONE, "SMTP AUTH is disabled"},
	{"534 to a token", "534 5.7.9 Application-specific password required", ERR_NOPERM,
	 ERR_DETAIL_NONE, NULL},
	{"454 to a token", "454 4.7.0 Temporary authentication failure", ERR_TEMP, ERR_DETAIL_NONE,
	 "temporary"},
	{"535 without an error report", "535 5.7.8 Username and Password not accepted", ERR_NOPERM,
	 ERR_DETAIL_TOKEN_REJECTED, "refused the OAuth2 access token"},
};

/* Greeting and EHLO (offering both OAuth mechanisms): AUTH has been sent. */
static void up_to_auth(struct smtp *s, struct reply *r, const struct smtp_params *p,
		       const struct smtp_message *m, struct err *e)
{
	struct err fe = {0};

	smtp_init(s, p, m, e);
	(void)smtp_start(s);
	(void)step(s, r, R220, &fe);
	(void)step(s, r, "250-mx.test\n250 AUTH XOAUTH2 OAUTHBEARER", &fe);
}

/* OAuth: a token the server refuses. Gmail first reports the error in a
 * 334 (answered with an empty line for XOAUTH2), then 535; the failure is
 * marked so the caller refreshes the token once and retries. A Microsoft-
 * sized token goes in two steps, and the transcript never shows it. */
static void test_oauth(void)
{
	char token[2001];
	struct smtp_params p = {.ehlo_name = "client.test", .tls_active = 1, .auth = AUTH_AUTO,
				.creds = {.user = "me@example.com", .token = "tok", .host = "mx.test",
					  .port = 465}};
	struct smtp_message m = {.sender = "me@example.com", .rcpts = &rcpts, .size = 10};
	struct err e = {0}, fe = {0};
	struct smtp s;
	struct reply r;
	FILE *f;
	char *log;
	int saved;

	reply_init(&r);
	smtp_init(&s, &p, &m, &e);
	(void)smtp_start(&s);
	(void)step(&s, &r, R220, &fe);
	buf_wipe(&s.out);
	(void)step(&s, &r, "250-mx.test\n250-AUTH PLAIN XOAUTH2\n250 8BITMIME", &fe);
	is_str(s.out.data, "AUTH XOAUTH2 dXNlcj1tZUBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB0b2sBAQ==\r\n",
	       "OAuth account, PLAIN and XOAUTH2 offered: AUTH XOAUTH2 with the token");
	buf_wipe(&s.out);
	is_int(step(&s, &r, "334 eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIn0=", &fe), SMTP_READ,
	       "XOAUTH2 error challenge: answered");
	is_str(s.out.data, "\r\n", "XOAUTH2 error challenge: with an empty line");
	buf_wipe(&s.out);
	is_int(step(&s, &r, "535 5.7.8 Username and Password not accepted", &fe), SMTP_FAIL,
	       "XOAUTH2 refused: fails");
	is_int(e.kind, ERR_NOPERM, "XOAUTH2 refused: ERR_NOPERM");
	is_int(e.detail, ERR_DETAIL_TOKEN_REJECTED, "XOAUTH2 refused: marked as a rejected token");
	like(e.msg, "refused the OAuth2 access token (status 401)", "XOAUTH2 refused: message");
	smtp_free(&s);

	for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++) {
		memset(&e, 0, sizeof e);
		up_to_auth(&s, &r, &p, &m, &e);
		is_int(step(&s, &r, refusals[i].reply, &fe), SMTP_FAIL, "%s: fails", refusals[i].name);
		is_int(e.kind, refusals[i].kind, "%s: error kind", refusals[i].name);
		is_int(e.detail, refusals[i].detail, "%s: %s", refusals[i].name,
		       refusals[i].detail ? "a fresh token may pass" : "no refresh would help");
		if (refusals[i].msg)
			like(e.msg, refusals[i].msg, "%s: message", refusals[i].name);
		smtp_free(&s);
	}

	memset(token, 'T', sizeof token - 1);
	token[sizeof token - 1] = '\0';
	p.creds.token = token;
	memset(&e, 0, sizeof e);
	log_set_verbose(1);
	saved = capture_start(&f);
	up_to_auth(&s, &r, &p, &m, &e);
	like(s.out.data ? s.out.data : "", "AUTH OAUTHBEARER\r\n",
	     "a 2000-byte token: AUTH OAUTHBEARER alone (the line would pass 512 octets)");
	buf_wipe(&s.out);
	(void)step(&s, &r, "334 ", &fe);
	ok(s.out.len > 2600 && s.out.len < 2800 && s.out.data[s.out.len - 1] == '\n',
	   "a 2000-byte token: the response follows on its own line (%zu bytes)", s.out.len);
	buf_wipe(&s.out);
	is_int(step(&s, &r, "235 2.7.0 Accepted", &fe), SMTP_READ, "a 2000-byte token: accepted");
	log = saved >= 0 ? capture_end(f, saved) : "";
	log_set_verbose(0);
	ok(!strstr(log, "VFRUVFRU") && !strstr(log, "TTTTTTTT"), "the transcript never holds the token");
	is_int(e.kind, ERR_NONE, "a 2000-byte token: no error");
	smtp_free(&s);
	reply_free(&r);
}

int main(void)
{
	if (addr_list_add(&rcpts, NULL, "a@example.com") < 0 ||
	    addr_list_add(&rcpts, NULL, "b@example.com") < 0 ||
	    addr_list_add(&other, NULL, "a@example.com") < 0 ||
	    addr_list_add(&other, NULL, "b@example.org") < 0)
		return 1;
	for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++)
		run_scenario(&scenarios[i]);
	test_auth_redacted_only_in_log();
	test_long_plain();
	test_oauth();
	test_state_names();
	addr_list_free(&rcpts);
	return done_testing();
}
