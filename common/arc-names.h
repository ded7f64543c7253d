/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The rule for service and peer names (docs/services.md), shared by the agent and the CLI;
 * each words its own message from the reason. */

#define ARC_NAME_MAX 64

/**
 * ArcNameReason:
 * @ARC_NAME_OK: a name
 * @ARC_NAME_BAD_LENGTH: empty, or over %ARC_NAME_MAX bytes
 * @ARC_NAME_BAD_CHARACTER: a byte other than an ASCII letter, a digit, `-`, `_` or `.`
 */
typedef enum {
	ARC_NAME_OK,
	ARC_NAME_BAD_LENGTH,
	ARC_NAME_BAD_CHARACTER,
} ArcNameReason;

ArcNameReason arc_name_check(const gchar *name);

G_END_DECLS
