/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#define __ARCTIC_PLUGIN_H_INSIDE__

#include "arc-base64url.h"
#include "arc-canonical-json.h"
#include "arc-error.h"
#include "arc-id.h"
#include "arc-license-backend.h"
#include "arc-license.h"
#include "arc-plugin.h"
#include "arc-record.h"
#include "arc-storage.h"
#include "arc-text.h"
#include "arc-time.h"
#include "arc-transport.h"
#include "arc-tunnel.h"

#undef __ARCTIC_PLUGIN_H_INSIDE__
