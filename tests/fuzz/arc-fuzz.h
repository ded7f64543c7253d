/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* The libFuzzer entry points. A target defines LLVMFuzzerTestOneInput(); it may define
 * LLVMFuzzerInitialize(). Either libFuzzer or fuzz-main.c calls them. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));
