/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <linux/capability.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "arc-dataplane.h"

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
		{0x0a7c0000, 0xffff0000, 0xa7c0, 65535, 10000, NULL},
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

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add_func("/dataplane/privileges", dp_privileges_func);
	g_test_add_func("/dataplane/config", dp_config_func);
	return g_test_run();
}
