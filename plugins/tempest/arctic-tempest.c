/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* arctic-tempest: Tempest standalone, a drop-in for wireguard-go (docs/tempest.md). It creates
 * the TUN device IFNAME, serves the UAPI socket /var/run/wireguard/IFNAME.sock for the wg tool,
 * and runs until SIGINT or SIGTERM. */

#include "config.h"

#include "tempest-device.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TEMPEST_DEFAULT_MTU 1420
#define TEMPEST_SOCKET_DIR "/var/run/wireguard"

static void
tempest_usage(FILE *out)
{
	/* TRANSLATORS: the command line's words in capitals may be translated, the options and
	 * variables not */
	fputs(_("Usage: arctic-tempest [-f|--foreground] INTERFACE-NAME\n"
		"       arctic-tempest --version | --help\n\n"),
	      out);
	/* TRANSLATORS: %s is the directory of the configuration sockets */
	fprintf(out,
		_("A userspace WireGuard interface, configured with wg(8) through\n"
		  "%s/INTERFACE-NAME.sock.\n"),
		TEMPEST_SOCKET_DIR);
	fputs(_("Environment: WG_PROCESS_FOREGROUND=1 (like -f), "
		"ARC_TEMPEST_AEAD=auto|sodium|openssl,\n"
		"ARC_TEMPEST_MTU (default 1420), WG_TUN_NAME_FILE is not supported.\n"),
	      out);
}

static void
tempest_init_locale(void)
{
	/* lets tests use the catalogs of the build tree, as arctic does */
	const gchar *localedir = g_getenv("ARCTIC_LOCALEDIR");

	setlocale(LC_ALL, "");
	bindtextdomain(GETTEXT_PACKAGE,
		       localedir != NULL && localedir[0] != '\0' ? localedir : LOCALEDIR);
	bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
	textdomain(GETTEXT_PACKAGE);
}

static const TempestAead *
tempest_choose_aead(void)
{
	const gchar *name = g_getenv("ARC_TEMPEST_AEAD");
	g_autoptr(GError) error = NULL;
	const TempestAead *aead;

	if (name == NULL || *name == '\0')
		name = "auto";
	aead = tempest_aead_select(name, &error);
	if (aead == NULL) {
		/* TRANSLATORS: %s: the backend asked for, then why it cannot be used */
		g_printerr(_("arctic-tempest: ARC_TEMPEST_AEAD=%s: %s\n"), name, error->message);
		return NULL;
	}
	if (g_strcmp0(name, "auto") == 0)
		g_printerr(_("arctic-tempest: AEAD %s (auto: the fastest backend that passes its "
			     "self-test, %.0f ns per 1420-byte packet)\n"),
			   aead->name, tempest_aead_measure(aead, 5000));
	else
		g_printerr(_("arctic-tempest: AEAD %s (ARC_TEMPEST_AEAD)\n"), aead->name);
	return aead;
}

/* the parent waits for the child to be ready (or to fail) before it exits, as wireguard-go */
static gint
tempest_daemonise(gint *ready_fd)
{
	gint fds[2];
	pid_t pid;
	gchar status = 1;
	gint null;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid > 0) {
		close(fds[1]);
		if (read(fds[0], &status, 1) != 1)
			status = 1;
		_exit(status);
	}
	close(fds[0]);
	setsid();
	*ready_fd = fds[1];
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		close(null);
	}
	return 0;
}

static void
tempest_report_ready(gint ready_fd, gchar status)
{
	if (ready_fd < 0)
		return;
	(void)!write(ready_fd, &status, 1);
	close(ready_fd);
}

static gint
tempest_run(const gchar *ifname, const TempestAead *aead, gint ready_fd)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(TempestDevice) device = NULL;
	const gchar *mtu_text = g_getenv("ARC_TEMPEST_MTU");
	guint mtu = mtu_text != NULL ? (guint)g_ascii_strtoull(mtu_text, NULL, 10) : 0;
	TempestUapiServer *server;
	TempestTun *tun;
	sigset_t set;
	gint sig = 0;

	if (mtu < 576 || mtu > 1500)
		mtu = TEMPEST_DEFAULT_MTU;
	tun = tempest_device_open_tun(ifname, mtu, &error);
	if (tun != NULL)
		device = tempest_device_new(tun, mtu, aead, &error);
	if (device == NULL) {
		/* TRANSLATORS: %s is the reason, in English */
		g_printerr(_("arctic-tempest: %s\n"), error->message);
		tempest_report_ready(ready_fd, 1);
		return 1;
	}
	/* every thread inherits the mask: the signals are taken here only, by sigwait */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	server = tempest_device_serve_uapi(device, ifname, FALSE, &error);
	if (server == NULL) {
		g_printerr(_("arctic-tempest: %s\n"), error->message);
		tempest_report_ready(ready_fd, 1);
		return 1;
	}
	tempest_device_start(device);
	/* TRANSLATORS: the interface, its MTU, its UDP port, the path of its socket */
	g_printerr(_("arctic-tempest: %s up (MTU %u, UDP port %u), UAPI at %s\n"), ifname, mtu,
		   tempest_device_get_port(device), tempest_uapi_server_get_path(server));
	tempest_report_ready(ready_fd, 0);
	sigwait(&set, &sig);
	/* TRANSLATORS: the signal's name, then the interface */
	g_printerr(_("arctic-tempest: %s, shutting down %s\n"), strsignal(sig), ifname);
	tempest_uapi_server_stop(server);
	return 0;
}

gint
main(gint argc, gchar **argv)
{
	gboolean foreground = g_strcmp0(g_getenv("WG_PROCESS_FOREGROUND"), "1") == 0;
	const gchar *ifname = NULL;
	const TempestAead *aead;
	gint ready_fd = -1;

	tempest_init_locale();
	for (gint i = 1; i < argc; i++) {
		if (g_str_equal(argv[i], "-f") || g_str_equal(argv[i], "--foreground")) {
			foreground = TRUE;
		} else if (g_str_equal(argv[i], "--version")) {
			printf("arctic-tempest %s\n", PACKAGE_VERSION);
			return 0;
		} else if (g_str_equal(argv[i], "--help") || g_str_equal(argv[i], "-h")) {
			tempest_usage(stdout);
			return 0;
		} else if (ifname == NULL && argv[i][0] != '-') {
			ifname = argv[i];
		} else {
			tempest_usage(stderr);
			return 2;
		}
	}
	if (ifname == NULL) {
		tempest_usage(stderr);
		return 2;
	}
	aead = tempest_choose_aead();
	if (aead == NULL)
		return 1;
	if (!foreground && tempest_daemonise(&ready_fd) < 0) {
		g_printerr(_("arctic-tempest: cannot daemonise: %s\n"), g_strerror(errno));
		return 1;
	}
	return tempest_run(ifname, aead, ready_fd);
}
