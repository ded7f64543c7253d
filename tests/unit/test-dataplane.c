/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gstdio.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "arc-dataplane.h"
#include "arc-netmgr.h"

/* ArcDataplane without root: the privilege check and the ranges (what it does in the kernel
 * is tested in the netns suite) */

/* drops CAP_NET_ADMIN from this process's effective set, as an unprivileged agent lacks it */
static void
dp_drop_net_admin(void)
{
	struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {{0}};

	g_assert_cmpint(syscall(SYS_capget, &header, data), ==, 0);
	data[CAP_TO_INDEX(CAP_NET_ADMIN)].effective &= ~CAP_TO_MASK(CAP_NET_ADMIN);
	g_assert_cmpint(syscall(SYS_capset, &header, data), ==, 0);
}

static void
dp_privileges_func(void)
{
	if (g_test_subprocess()) {
		g_autoptr(GError) error = NULL;
		gboolean ok;

		dp_drop_net_admin();
		ok = arc_dataplane_check_privileges(&error);
		g_assert_error(error, ARC_ERROR, ARC_ERROR_FORBIDDEN);
		g_assert_false(ok);
		g_print("%s\n", error->message);
		return;
	}
	g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
	g_test_trap_assert_passed();
	g_test_trap_assert_stdout("data plane disabled: the agent lacks CAP_NET_ADMIN*"
				  "the control plane still serves*");
}

static void
dp_config_func(void)
{
	const struct {
		guint32 mark_base, mark_mask, table_base;
		guint n_slots;
		guint32 priority;
		const gchar *says; /* NULL when valid */
	} cases[] = {
		{0x0a7c0000, 0xffff0000, 0xa7c0, 1024, 10000, NULL},
		{0x0a7c0000, 0xffff0000, 0xa7c0, 65534, 10000, NULL},
		/* the proxy's slot comes after the last */
		{0x0a7c0000, 0xffff0000, 0xa7c0, 65535, 10000, "does not fit"},
		{0x0a7c0001, 0xffff0000, 0xa7c0, 1024, 10000, "bits outside the mask"},
		{0x0a7c0000, 0xffffff00, 0xa7c0, 1024, 10000, "does not fit"},
		{0x0a7c0000, 0xffff0000, 0xa7c0, 0, 10000, "does not fit"},
		{0x0a7c0000, 0xffff0000, 200, 10, 10000, "between 256"},
		{0x0a7c0000, 0xffff0000, 0xa7c0, 1024, 32766, "rule priority"},
	};
	ArcDataplaneConfig config;

	arc_dataplane_config_init(&config);
	g_assert_cmphex(config.mark_base, ==, 0x0a7c0000);
	g_assert_cmphex(config.table_base, ==, 0xa7c0);
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GError) error = NULL;
		gboolean ok;

		config.mark_base = cases[i].mark_base;
		config.mark_mask = cases[i].mark_mask;
		config.table_base = cases[i].table_base;
		config.n_slots = cases[i].n_slots;
		config.rule_priority = cases[i].priority;
		ok = arc_dataplane_config_check(&config, &error);
		if (cases[i].says == NULL) {
			g_assert_no_error(error);
			g_assert_true(ok);
			continue;
		}
		g_assert_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
		g_assert_nonnull(strstr(error->message, cases[i].says));
		g_assert_false(ok);
	}
}

/* what netmgr last logged, and at which level; 0 and NULL once read */
static GLogLevelFlags dp_logged_level;
static gchar *dp_logged;

static GLogWriterOutput
dp_log_writer(GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer data)
{
	const gchar *domain = NULL, *message = NULL;

	for (gsize i = 0; i < n_fields; i++) {
		if (g_strcmp0(fields[i].key, "GLIB_DOMAIN") == 0)
			domain = fields[i].value;
		else if (g_strcmp0(fields[i].key, "MESSAGE") == 0)
			message = fields[i].value;
	}
	if (g_strcmp0(domain, "netmgr") != 0 || (level & G_LOG_LEVEL_INFO) != 0 ||
	    (level & G_LOG_LEVEL_DEBUG) != 0)
		return g_log_writer_default(level, fields, n_fields, data);
	dp_logged_level = level & G_LOG_LEVEL_MASK;
	g_free(dp_logged);
	dp_logged = g_strdup(message);
	return G_LOG_WRITER_HANDLED;
}

static void
dp_assert_logged(GLogLevelFlags level, const gchar *message)
{
	g_assert_cmpint(dp_logged_level, ==, level);
	g_assert_cmpstr(dp_logged, ==, message);
	dp_logged_level = 0;
	g_clear_pointer(&dp_logged, g_free);
}

/* a file under @root with @text, its directories made */
static void
dp_write(const gchar *root, const gchar *relative, const gchar *text)
{
	g_autofree gchar *path = g_build_filename(root, relative, NULL);
	g_autofree gchar *dir = g_path_get_dirname(path);
	g_autoptr(GError) error = NULL;
	gboolean ok;

	g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
	ok = g_file_set_contents(path, text, -1, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
}

/* netmgr says which forwarding sysctl it set, which already was 1 and which it could not set,
 * by name, for the log and the `dataplane` check of /readyz */
static void
dp_sysctls_func(void)
{
	g_autofree gchar *root = g_dir_make_tmp("arc-sysctl-XXXXXX", NULL);
	g_autofree gchar *v6 = g_build_filename(root, "net/ipv6/conf/all/forwarding", NULL);
	g_autofree gchar *cleanup = g_strdup_printf("rm -rf '%s'", root);
	g_autofree gchar *v4 = g_build_filename(root, "net/ipv4/ip_forward", NULL);
	g_autofree gchar *v4_after = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcNetmgr) netmgr = NULL;
	ArcDataplaneConfig config;
	gchar *summary = NULL;
	gboolean ok;

	arc_dataplane_config_init(&config);
	netmgr = arc_netmgr_new(&config, &error);
	g_assert_no_error(error);
	arc_netmgr_set_sysctl_root(netmgr, root);
	/* IPv4 forwarding off, no IPv6 on this host */
	dp_write(root, "net/ipv4/ip_forward", "0\n");
	ok = arc_netmgr_set_sysctls(netmgr, &summary);
	dp_assert_logged(G_LOG_LEVEL_WARNING,
			 "sysctls: net.ipv4.ip_forward=1 set (was 0), "
			 "net.ipv6.conf.all.forwarding not set: No such file or directory");
	g_assert_false(ok);
	g_assert_cmpstr(summary, ==,
			"net.ipv4.ip_forward=1 set (was 0), "
			"net.ipv6.conf.all.forwarding not set: No such file or directory");
	g_clear_pointer(&summary, g_free);
	g_assert_true(g_file_get_contents(v4, &v4_after, NULL, NULL));
	g_assert_cmpstr(v4_after, ==, "1\n");

	/* IPv6 there now, already on; the same again is not logged again */
	dp_write(root, "net/ipv6/conf/all/forwarding", "1\n");
	ok = arc_netmgr_set_sysctls(netmgr, &summary);
	dp_assert_logged(G_LOG_LEVEL_MESSAGE,
			 "sysctls: net.ipv4.ip_forward=1, net.ipv6.conf.all.forwarding=1");
	g_assert_true(ok);
	g_assert_cmpstr(summary, ==, "net.ipv4.ip_forward=1, net.ipv6.conf.all.forwarding=1");
	g_clear_pointer(&summary, g_free);
	ok = arc_netmgr_set_sysctls(netmgr, NULL);
	g_assert_true(ok);
	dp_assert_logged(0, NULL);

	/* one the kernel will not let be written (here: a directory in its place) */
	g_assert_cmpint(g_remove(v6), ==, 0);
	g_assert_cmpint(g_mkdir(v6, 0755), ==, 0);
	ok = arc_netmgr_set_sysctls(netmgr, &summary);
	dp_assert_logged(G_LOG_LEVEL_WARNING,
			 "sysctls: net.ipv4.ip_forward=1, "
			 "net.ipv6.conf.all.forwarding not set: Is a directory");
	g_assert_false(ok);
	g_assert_cmpstr(
		summary, ==,
		"net.ipv4.ip_forward=1, net.ipv6.conf.all.forwarding not set: Is a directory");
	g_free(summary);
	g_spawn_command_line_sync(cleanup, NULL, NULL, NULL, NULL);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_log_set_writer_func(dp_log_writer, NULL, NULL);
	g_test_add_func("/dataplane/privileges", dp_privileges_func);
	g_test_add_func("/dataplane/config", dp_config_func);
	g_test_add_func("/dataplane/sysctls", dp_sysctls_func);
	return g_test_run();
}
