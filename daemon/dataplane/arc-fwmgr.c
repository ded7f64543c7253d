/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "fwmgr"

#include "arc-fwmgr.h"

#include <arctic-plugin.h>
#include <nftables/libnftables.h>
#include <string.h>

/* Writes the table rendered by arc-fwmgr-render.c through libnftables. Every change is one
 * batch "add table; delete table; table { … }": nft commits a batch as one kernel
 * transaction, so no packet ever sees the table missing or half-built, the add makes the
 * delete valid when there was no table, and no other table is named. */

struct _ArcFwmgr {
	struct nft_ctx *nft;
	gchar *applied; /* the table text last written, %NULL after a removal */
};

ArcFwmgr *
arc_fwmgr_new(void)
{
	ArcFwmgr *self = g_new0(ArcFwmgr, 1);

	self->nft = nft_ctx_new(NFT_CTX_DEFAULT);
	nft_ctx_buffer_output(self->nft);
	nft_ctx_buffer_error(self->nft);
	return self;
}

void
arc_fwmgr_free(ArcFwmgr *self)
{
	if (self == NULL)
		return;
	nft_ctx_free(self->nft);
	g_free(self->applied);
	g_free(self);
}

/* runs @commands as one batch; nft's own message on failure */
static gboolean
arc_fwmgr_run(ArcFwmgr *self, const gchar *commands, GError **error)
{
	g_autofree gchar *message = NULL;
	gint rc = nft_run_cmd_from_buffer(self->nft, commands);

	/* both buffers grow until read */
	nft_ctx_get_output_buffer(self->nft);
	message = g_strdup(nft_ctx_get_error_buffer(self->nft));
	if (rc == 0)
		return TRUE;
	g_strstrip(message != NULL ? message : (message = g_strdup("")));
	g_set_error(error, ARC_ERROR, ARC_ERROR_UNAVAILABLE, "nftables refused the batch: %s",
		    message[0] != '\0' ? message : "no reason given");
	return FALSE;
}

/**
 * arc_fwmgr_apply:
 * @self: fwmgr
 * @table: the table, from arc_fwmgr_render()
 * @error: return location for a #GError
 *
 * Replaces `table inet arctic` with @table in one transaction, unless it is already what
 * was last written and still there.
 *
 * Returns: %TRUE when the kernel has @table
 */
gboolean
arc_fwmgr_apply(ArcFwmgr *self, const gchar *table, GError **error)
{
	g_autofree gchar *batch = NULL;

	if (g_strcmp0(self->applied, table) == 0 && arc_fwmgr_is_present(self))
		return TRUE;
	batch = g_strconcat("add table inet " ARC_FWMGR_TABLE "\n"
			    "delete table inet " ARC_FWMGR_TABLE "\n",
			    table, NULL);
	if (!arc_fwmgr_run(self, batch, error)) {
		g_warning("table inet " ARC_FWMGR_TABLE " not written: %s", (*error)->message);
		return FALSE;
	}
	g_info("table inet " ARC_FWMGR_TABLE " written (%u bytes)", (guint)strlen(table));
	g_free(self->applied);
	self->applied = g_strdup(table);
	return TRUE;
}

/**
 * arc_fwmgr_remove:
 * @self: fwmgr
 * @error: return location for a #GError
 *
 * Deletes `table inet arctic`, whoever wrote it; nothing else.
 *
 * Returns: %TRUE when the table is gone
 */
gboolean
arc_fwmgr_remove(ArcFwmgr *self, GError **error)
{
	g_clear_pointer(&self->applied, g_free);
	if (!arc_fwmgr_run(self,
			   "add table inet " ARC_FWMGR_TABLE "\n"
			   "delete table inet " ARC_FWMGR_TABLE "\n",
			   error))
		return FALSE;
	g_info("table inet " ARC_FWMGR_TABLE " removed");
	return TRUE;
}

/**
 * arc_fwmgr_is_present:
 * @self: fwmgr
 *
 * Returns: whether the kernel has `table inet arctic`
 */
gboolean
arc_fwmgr_is_present(ArcFwmgr *self)
{
	return arc_fwmgr_run(self, "list table inet " ARC_FWMGR_TABLE "\n", NULL);
}
