/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

#include "arc-config.h"

G_BEGIN_DECLS

gboolean arc_rest_tls_check_ca_file(const ArcConfig *config, GError **error);
GTlsCertificate *arc_rest_tls_load(const ArcConfig *config, GError **error);
void arc_rest_tls_accept_async(GSocketConnection *connection, GTlsCertificate *certificate,
			       guint timeout_secs, GAsyncReadyCallback callback,
			       gpointer user_data);
GIOStream *arc_rest_tls_accept_finish(GAsyncResult *res, GError **error);

G_END_DECLS
