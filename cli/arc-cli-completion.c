/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "arc-cli-completion.h"

#include <stdio.h>
#include <string.h>

#include "arc-cli-cache.h"
#include "arc-cli-config.h"
#include "arc-cli-json.h"

/*
 * Shell completion. The scripts are thin: they hand the words of the command line to
 * `arctic __complete` and offer what it prints, one candidate a line. Commands and
 * subcommands come from the dispatcher's tables and options from each command's own --help,
 * so completion cannot drift from the CLI. Peer and service ids come from the completion
 * cache, and only while it is fresh (`cache_ttl`); nothing here touches the network, and a
 * run takes a few milliseconds.
 */

/* Global options that take a value (arc-cli-context.c), so that their value is skipped */
static const gchar *arc_cli_completion_global_values[] = {
	"--url",     "--config", "--output",         "-o",
	"--timeout", "--token",  "--recovery-token", "--recovery-token-file",
	NULL};
static const gchar *arc_cli_completion_global_flags[] = {
	"--json", "-j", "--debug", "--trace", "--version", "--help", NULL};

typedef struct {
	const ArcCliCommand *command;
	const ArcCliSubcommand *subcommand;
	guint positionals; /* after the (sub)command */
	gchar *config_path;
	GPtrArray *value_options; /* of the (sub)command: those that take a value */
	GPtrArray *options;       /* every long option of the (sub)command */
} ArcCliCompletionState;

static void
arc_cli_completion_state_clear(ArcCliCompletionState *self)
{
	g_free(self->config_path);
	g_clear_pointer(&self->value_options, g_ptr_array_unref);
	g_clear_pointer(&self->options, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(ArcCliCompletionState, arc_cli_completion_state_clear)

static GString *arc_cli_completion_captured = NULL;

static void
arc_cli_completion_capture_cb(const gchar *text)
{
	g_string_append(arc_cli_completion_captured, text);
}

/* The (sub)command's --help, printed in-process into a string: it parses options first */
static gchar *
arc_cli_completion_help(const ArcCliCommand *command, const ArcCliSubcommand *subcommand)
{
	g_autoptr(ArcCliContext) ctx = arc_cli_context_new();
	g_auto(GStrv) argv = NULL;
	g_autoptr(GError) error = NULL;
	GPrintFunc old;

	if (subcommand != NULL)
		argv = g_strdupv((gchar *[]){(gchar *)subcommand->name, "--help", NULL});
	else
		argv = g_strdupv((gchar *[]){(gchar *)command->name, "--help", NULL});
	arc_cli_completion_captured = g_string_new(NULL);
	old = g_set_print_handler(arc_cli_completion_capture_cb);
	if (subcommand != NULL)
		subcommand->run(ctx, argv, &error);
	else
		command->run(ctx, argv, &error);
	g_set_print_handler(old);
	return g_string_free(g_steal_pointer(&arc_cli_completion_captured), FALSE);
}

/* `  --name=ALIAS   …` lines of GOption's help: the option, and whether it takes a value */
static void
arc_cli_completion_load_options(ArcCliCompletionState *self)
{
	g_autofree gchar *help = NULL;
	g_auto(GStrv) lines = NULL;

	self->options = g_ptr_array_new_with_free_func(g_free);
	self->value_options = g_ptr_array_new_with_free_func(g_free);
	if (self->command == NULL || (self->command->run == NULL && self->subcommand == NULL))
		return;
	help = arc_cli_completion_help(self->command, self->subcommand);
	lines = g_strsplit(help, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++) {
		const gchar *line = g_strchug(lines[i]);
		const gchar *opt = strstr(line, "--");
		gsize len;

		if (opt == NULL || line[0] != '-')
			continue;
		len = strspn(opt, "-abcdefghijklmnopqrstuvwxyz0123456789");
		g_ptr_array_add(self->options, g_strndup(opt, len));
		if (opt[len] == '=')
			g_ptr_array_add(self->value_options, g_strndup(opt, len));
	}
}

static const ArcCliCommand *
arc_cli_completion_find_command(const ArcCliCommand *const *commands, const gchar *name)
{
	for (guint i = 0; commands[i] != NULL; i++) {
		if (g_strcmp0(commands[i]->name, name) == 0 ||
		    g_strcmp0(commands[i]->alias, name) == 0)
			return commands[i];
	}
	return NULL;
}

static const ArcCliSubcommand *
arc_cli_completion_find_subcommand(const ArcCliCommand *command, const gchar *name)
{
	for (guint i = 0; command->subcommands != NULL && command->subcommands[i].name != NULL;
	     i++) {
		if (g_strcmp0(command->subcommands[i].name, name) == 0)
			return &command->subcommands[i];
	}
	return NULL;
}

static gboolean
arc_cli_completion_takes_value(ArcCliCompletionState *self, const gchar *word)
{
	if (strchr(word, '=') != NULL)
		return FALSE;
	if (g_strv_contains(arc_cli_completion_global_values, word))
		return TRUE;
	return self->value_options != NULL &&
	       g_ptr_array_find_with_equal_func(self->value_options, word, g_str_equal, NULL);
}

static void
arc_cli_completion_positional(ArcCliCompletionState *self, const ArcCliCommand *const *commands,
			      const gchar *word)
{
	if (self->command == NULL) {
		self->command = arc_cli_completion_find_command(commands, word);
		if (self->command != NULL && self->command->run != NULL)
			arc_cli_completion_load_options(self);
	} else if (self->command->run == NULL && self->subcommand == NULL) {
		self->subcommand = arc_cli_completion_find_subcommand(self->command, word);
		if (self->subcommand != NULL)
			arc_cli_completion_load_options(self);
	} else {
		self->positionals++;
	}
}

/* Walks the words before the current one; returns the option whose value is being typed */
static const gchar *
arc_cli_completion_walk(ArcCliCompletionState *self, const ArcCliCommand *const *commands,
			gchar **words, guint n_done)
{
	for (guint i = 1; i < n_done; i++) {
		const gchar *word = words[i];

		if (g_str_has_prefix(word, "--config=")) {
			g_free(self->config_path);
			self->config_path = g_strdup(word + strlen("--config="));
		}
		if (word[0] != '-' || word[1] == '\0') {
			arc_cli_completion_positional(self, commands, word);
			continue;
		}
		if (!arc_cli_completion_takes_value(self, word))
			continue;
		if (i + 1 == n_done)
			return word;
		if (g_strcmp0(word, "--config") == 0) {
			g_free(self->config_path);
			self->config_path = g_strdup(words[i + 1]);
		}
		i++;
	}
	return NULL;
}

static void
arc_cli_completion_add(GPtrArray *out, const gchar *candidate, const gchar *prefix)
{
	if (candidate == NULL || candidate[0] == '\0' || !g_str_has_prefix(candidate, prefix))
		return;
	if (!g_ptr_array_find_with_equal_func(out, candidate, g_str_equal, NULL))
		g_ptr_array_add(out, g_strdup(candidate));
}

static ArcCliConfig *
arc_cli_completion_load_config(ArcCliCompletionState *self)
{
	g_autofree gchar *path = self->config_path != NULL ? g_strdup(self->config_path)
							   : arc_cli_config_default_path();
	g_autoptr(ArcCliConfig) config = arc_cli_config_new(path);

	if (!arc_cli_config_load(config, NULL))
		return NULL;
	return g_steal_pointer(&config);
}

/* @kind is "peers" or "services" of the current cluster, from a fresh cache only */
static void
arc_cli_completion_add_cached(ArcCliCompletionState *self, GPtrArray *out, const gchar *kind,
			      gboolean names, const gchar *prefix)
{
	g_autoptr(ArcCliConfig) config = arc_cli_completion_load_config(self);
	g_autofree gchar *path = arc_cli_cache_default_path();
	g_autoptr(JsonObject) cache = arc_cli_cache_load(path, NULL);
	g_autoptr(GDateTime) now = g_date_time_new_now_utc();
	const gchar *cluster_id;
	JsonObject *entry;
	JsonArray *items;
	gint64 ttl;

	if (config == NULL || cache == NULL)
		return;
	cluster_id = arc_cli_config_get_current_cluster(config);
	ttl = arc_cli_config_get_preference_int(config, "cache_ttl", ARC_CLI_CACHE_DEFAULT_TTL);
	entry = arc_cli_cache_get_cluster(cache, cluster_id);
	if (entry == NULL || !arc_cli_cache_is_fresh(cache, cluster_id, ttl, now))
		return;
	items = arc_cli_cache_get_array(entry, kind);
	for (guint i = 0; items != NULL && i < json_array_get_length(items); i++) {
		JsonObject *item = json_array_get_object_element(items, i);

		if (item == NULL)
			continue;
		arc_cli_completion_add(out, arc_cli_json_get_string(item, "id"), prefix);
		if (names)
			arc_cli_completion_add(out, arc_cli_json_get_string(item, "name"), prefix);
	}
}

/* `config delete-peer` works on the config, so its peers come from there, cache or not */
static void
arc_cli_completion_add_config_peers(ArcCliCompletionState *self, GPtrArray *out,
				    const gchar *prefix)
{
	g_autoptr(ArcCliConfig) config = arc_cli_completion_load_config(self);
	g_autoptr(ArcCliCluster) cluster = NULL;

	if (config == NULL)
		return;
	cluster = arc_cli_config_get_cluster(config, arc_cli_config_get_current_cluster(config));
	for (guint i = 0; cluster != NULL && i < cluster->peers->len; i++) {
		ArcCliPeer *peer = g_ptr_array_index(cluster->peers, i);

		arc_cli_completion_add(out, peer->peer_id, prefix);
		arc_cli_completion_add(out, peer->name, prefix);
	}
}

static void
arc_cli_completion_add_cluster_ids(ArcCliCompletionState *self, GPtrArray *out, const gchar *prefix)
{
	g_autoptr(ArcCliConfig) config = arc_cli_completion_load_config(self);
	g_autoptr(GPtrArray) ids = config != NULL ? arc_cli_config_get_cluster_ids(config) : NULL;

	for (guint i = 0; ids != NULL && i < ids->len; i++)
		arc_cli_completion_add(out, g_ptr_array_index(ids, i), prefix);
}

static void
arc_cli_completion_add_words(GPtrArray *out, const gchar *const *words, const gchar *prefix)
{
	for (guint i = 0; words[i] != NULL; i++)
		arc_cli_completion_add(out, words[i], prefix);
}

/* The value of @option; nothing for a path, so that the shell offers files */
static void
arc_cli_completion_option_value(ArcCliCompletionState *self, GPtrArray *out, const gchar *option,
				const gchar *cur)
{
	const gchar *formats[] = {"table", "json", "yaml", NULL};
	const gchar *transports[] = {"tcp", "kcp", NULL};

	if (g_strcmp0(option, "--output") == 0 || g_strcmp0(option, "-o") == 0)
		arc_cli_completion_add_words(out, formats, cur);
	else if (g_strcmp0(option, "--transport") == 0)
		arc_cli_completion_add_words(out, transports, cur);
	else if (g_strcmp0(option, "--source-peer") == 0 || g_strcmp0(option, "--target-peer") == 0)
		arc_cli_completion_add_cached(self, out, "peers", FALSE, cur);
	else if (g_strcmp0(option, "--service") == 0)
		arc_cli_completion_add_cached(self, out, "services", FALSE, cur);
	else if (g_strcmp0(option, "--cluster") == 0)
		arc_cli_completion_add_cluster_ids(self, out, cur);
}

static void
arc_cli_completion_argument(ArcCliCompletionState *self, GPtrArray *out, const gchar *cur)
{
	const gchar *shells[] = {"bash", "zsh", "fish", NULL};
	const gchar *cmd = self->command->name;
	const gchar *sub = self->subcommand != NULL ? self->subcommand->name : NULL;
	const gchar *by_id[] = {"get", "update", "delete", NULL};

	if (self->positionals > 0)
		return;
	if (g_strcmp0(cmd, "completion") == 0)
		arc_cli_completion_add_words(out, shells, cur);
	else if (g_strcmp0(cmd, "peers") == 0 && g_strv_contains(by_id, sub))
		arc_cli_completion_add_cached(self, out, "peers", FALSE, cur);
	else if (g_strcmp0(cmd, "services") == 0 && g_strv_contains(by_id, sub))
		arc_cli_completion_add_cached(self, out, "services", FALSE, cur);
	else if (g_strcmp0(cmd, "config") == 0 && g_strcmp0(sub, "delete-peer") == 0)
		arc_cli_completion_add_config_peers(self, out, cur);
}

static void
arc_cli_completion_options(ArcCliCompletionState *self, GPtrArray *out, const gchar *cur)
{
	for (guint i = 0; self->options != NULL && i < self->options->len; i++)
		arc_cli_completion_add(out, g_ptr_array_index(self->options, i), cur);
	arc_cli_completion_add_words(out, arc_cli_completion_global_values, cur);
	arc_cli_completion_add_words(out, arc_cli_completion_global_flags, cur);
}

/**
 * arc_cli_completion_candidates:
 * @commands: the dispatcher's commands
 * @words: the program's name, the words typed after it, and last the word being completed
 *
 * Returns: (transfer full) (element-type utf8): the candidates for the last word
 */
GPtrArray *
arc_cli_completion_candidates(const ArcCliCommand *const *commands, gchar **words)
{
	g_auto(ArcCliCompletionState) state = {0};
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	guint n = g_strv_length(words);
	const gchar *cur = n > 1 ? words[n - 1] : "";
	const gchar *option;

	if (n < 2)
		return out;
	option = arc_cli_completion_walk(&state, commands, words, n - 1);
	if (option != NULL) {
		arc_cli_completion_option_value(&state, out, option, cur);
	} else if (cur[0] == '-') {
		arc_cli_completion_options(&state, out, cur);
	} else if (state.command == NULL) {
		for (guint i = 0; commands[i] != NULL; i++)
			arc_cli_completion_add(out, commands[i]->name, cur);
	} else if (state.command->run == NULL && state.subcommand == NULL) {
		for (guint i = 0; state.command->subcommands[i].name != NULL; i++)
			arc_cli_completion_add(out, state.command->subcommands[i].name, cur);
	} else {
		arc_cli_completion_argument(&state, out, cur);
	}
	return out;
}

/**
 * arc_cli_completion_run:
 * @commands: the dispatcher's commands
 * @words: as for arc_cli_completion_candidates()
 *
 * Prints the candidates, one a line. Never fails: a shell must not see errors.
 *
 * Returns: the exit code, 0
 */
gint
arc_cli_completion_run(const ArcCliCommand *const *commands, gchar **words)
{
	g_autoptr(GPtrArray) candidates = arc_cli_completion_candidates(commands, words);
	g_autoptr(GString) text = g_string_new(NULL);

	for (guint i = 0; i < candidates->len; i++)
		g_string_append_printf(text, "%s\n",
				       (const gchar *)g_ptr_array_index(candidates, i));
	fputs(text->str, stdout);
	return 0;
}
