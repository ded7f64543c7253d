/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arc-engine.h"

G_BEGIN_DECLS

/* the license lifecycle, for the adapters (docs/license.md) */
gboolean arc_engine_authorize_license(ArcEngine *self, const ArcCaller *caller, ArcScope needed,
				      GError **error);
ArcLicenseInfo *arc_engine_update_license(ArcEngine *self, const ArcCaller *caller,
					  const gchar *body, gsize length, GError **error);
gchar *arc_engine_get_license_message(ArcEngine *self);
ArcLicense *arc_engine_get_license_doc(ArcEngine *self);

G_END_DECLS
