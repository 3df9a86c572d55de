#include "notify.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "giolib.h"
#include "log.h"

#define NOTIFY_TIMEOUT_MS 5000

static void to_syslog(const struct account *a, const char *event, int held, const char *reason,
		      const char *fix)
{
	if (strcmp(event, "token_refused") == 0)
		log_alert("account %s: the OAuth2 sign-in was refused: %s; %s", a->name, reason, fix);
	else
		log_alert("account %s: %s%d message%s held for credentials: %s; %s", a->name,
			  strcmp(event, "reminder") == 0 ? "still " : "", held, held == 1 ? "" : "s", reason,
			  fix);
}

/* The child: the event in the environment, no stdin, its output to our
 * stderr (a cron job's mail, a terminal, the journal). */
static void exec_notify_command(const struct account *a, const char *event, int held,
				const char *reason, const char *fix)
{
	char count[16];
	int null = open("/dev/null", O_RDONLY);

	snprintf(count, sizeof count, "%d", held);
	if (null >= 0)
		dup2(null, STDIN_FILENO);
	dup2(STDERR_FILENO, STDOUT_FILENO);
	if (setenv("POSTERN_EVENT", event, 1) || setenv("POSTERN_ACCOUNT", a->name, 1) ||
	    setenv("POSTERN_HELD", count, 1) || setenv("POSTERN_REASON", reason, 1) ||
	    setenv("POSTERN_FIX", fix, 1))
		_exit(127);
	execl("/bin/sh", "sh", "-c", a->notify_command, (char *)NULL);
	_exit(127);
}

/* Runs notify_command and waits for it, at most the account's timeout. */
static void run_notify_command(const struct account *a, const char *event, int held,
			       const char *reason, const char *fix)
{
	pid_t pid = fork();
	int status = 0;
	time_t end = time(NULL) + a->timeout;

	if (pid < 0) {
		log_warn("notify_command: fork: %s", strerror(errno));
		return;
	}
	if (pid == 0)
		exec_notify_command(a, event, held, reason, fix);
	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (time(NULL) >= end) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			log_warn("notify_command: no end within %ld seconds: killed", a->timeout);
			return;
		}
		usleep(20000);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		log_warn("notify_command: '%s' failed (status %d)", a->notify_command, status);
}

/* org.freedesktop.Notifications.Notify, when a session bus is there. */
static void desktop(const struct account *a, int held, const char *reason, const char *fix)
{
	struct err e = {0};
	const struct giolib *g;
	GDBusConnection *bus;
	GVariant *r;
	GError *ge = NULL;
	char summary[200], body[ERR_MSG_MAX + 400];

	if (session_bus_find(&e) < 0 || !(g = giolib_load(&e)) || !(bus = session_bus_open(g, &e))) {
		log_info("no desktop notification: %s", e.msg);
		return;
	}
	if (held)
		snprintf(summary, sizeof summary, "Mail held: %d message%s of account %s", held,
			 held == 1 ? "" : "s", a->name);
	else
		snprintf(summary, sizeof summary, "Mail: account %s must sign in again", a->name);
	snprintf(body, sizeof body, "%s\n%s", reason, fix);
	r = g->g_dbus_connection_call_sync(bus, "org.freedesktop.Notifications",
		"/org/freedesktop/Notifications", "org.freedesktop.Notifications", "Notify",
		g->g_variant_new("(susssasa{sv}i)", "postern", 0u, "mail-send", summary, body, NULL,
				 NULL, -1),
		NULL, G_DBUS_CALL_FLAGS_NO_AUTO_START, NOTIFY_TIMEOUT_MS, NULL, &ge);
	if (r)
		g->g_variant_unref(r);
	else
		log_info("no desktop notification: %s", ge ? ge->message : "?");
	if (ge)
		g->g_error_free(ge);
	g->g_object_unref(bus);
}

void notify_held(const struct account *a, const char *event, int held, const char *reason,
		 const char *fix)
{
	to_syslog(a, event, held, reason, fix);
	if (a->notify_command)
		run_notify_command(a, event, held, reason, fix);
	else
		desktop(a, held, reason, fix);
}
