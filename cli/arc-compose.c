/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "arc-compose.h"

#include <glib/gi18n.h>
#include <string.h>
#include <yaml.h>

#include "arc-cidr.h"
#include "arc-cli-yaml.h"
#include "arc-names.h"

/*
 * The compose file is read from libyaml's document tree rather than through
 * arc_cli_yaml_to_json(), because every error names the line and column of the node at fault.
 * Plain scalars are typed with arc_cli_yaml_scalar_resolve(), as the rest of the CLI does.
 */

/* aliases can make a small file name a large tree: bound the nodes visited */
#define ARC_COMPOSE_MAX_NODES 200000
#define ARC_COMPOSE_MAX_BANDWIDTH 1000000

typedef struct {
	const gchar *filename;
	yaml_document_t *document;
	ArcComposeReport *report;
	guint budget;
} ArcComposeReader;

ArcComposeRoute *
arc_compose_route_new(gint64 priority, const gchar *source_cidr, const gchar *dest_cidr)
{
	ArcComposeRoute *self = g_new0(ArcComposeRoute, 1);

	self->priority = priority;
	self->source_cidr = g_strdup(source_cidr);
	self->dest_cidr = g_strdup(dest_cidr);
	return self;
}

void
arc_compose_route_free(ArcComposeRoute *self)
{
	if (self == NULL)
		return;
	g_free(self->source_cidr);
	g_free(self->dest_cidr);
	g_free(self);
}

ArcComposeService *
arc_compose_service_new(const gchar *name)
{
	ArcComposeService *self = g_new0(ArcComposeService, 1);

	self->name = g_strdup(name);
	self->transport_type = g_strdup("tcp");
	self->routes = g_ptr_array_new_with_free_func((GDestroyNotify)arc_compose_route_free);
	return self;
}

void
arc_compose_service_free(ArcComposeService *self)
{
	if (self == NULL)
		return;
	g_free(self->name);
	g_free(self->source_peer);
	g_free(self->target_peer);
	g_free(self->transport_type);
	g_free(self->interface_ipv4);
	g_free(self->interface_ipv6);
	g_ptr_array_unref(self->routes);
	g_free(self);
}

ArcComposePeer *
arc_compose_peer_new(const gchar *name, const gchar *address)
{
	ArcComposePeer *self = g_new0(ArcComposePeer, 1);

	self->name = g_strdup(name);
	self->address = g_strdup(address);
	return self;
}

void
arc_compose_peer_free(ArcComposePeer *self)
{
	if (self == NULL)
		return;
	g_free(self->name);
	g_free(self->address);
	g_free(self);
}

ArcComposeFile *
arc_compose_file_new(const gchar *filename)
{
	ArcComposeFile *self = g_new0(ArcComposeFile, 1);

	self->filename = g_strdup(filename);
	self->version = g_strdup("v1");
	self->peers = g_ptr_array_new_with_free_func((GDestroyNotify)arc_compose_peer_free);
	self->services = g_ptr_array_new_with_free_func((GDestroyNotify)arc_compose_service_free);
	return self;
}

void
arc_compose_file_free(ArcComposeFile *self)
{
	if (self == NULL)
		return;
	g_free(self->filename);
	g_free(self->version);
	g_free(self->license);
	g_ptr_array_unref(self->peers);
	g_ptr_array_unref(self->services);
	g_free(self);
}

ArcComposeReport *
arc_compose_report_new(void)
{
	ArcComposeReport *self = g_new0(ArcComposeReport, 1);

	self->errors = g_ptr_array_new_with_free_func(g_free);
	self->warnings = g_ptr_array_new_with_free_func(g_free);
	return self;
}

void
arc_compose_report_free(ArcComposeReport *self)
{
	if (self == NULL)
		return;
	g_ptr_array_unref(self->errors);
	g_ptr_array_unref(self->warnings);
	g_free(self);
}

static void G_GNUC_PRINTF(5, 6)
	arc_compose_report_add(GPtrArray *list, const gchar *filename, guint line, guint column,
			       const gchar *format, ...)
{
	va_list ap;
	g_autofree gchar *message = NULL;

	va_start(ap, format);
	message = g_strdup_vprintf(format, ap);
	va_end(ap);
	g_ptr_array_add(list, g_strdup_printf("%s:%u:%u: %s", filename, line, column, message));
}

/* libyaml's marks are 0-based */
#define ARC_COMPOSE_AT(node)                                                                       \
	(guint)(node)->start_mark.line + 1, (guint)(node)->start_mark.column + 1
#define ARC_COMPOSE_ERROR(reader, node, ...)                                                       \
	arc_compose_report_add((reader)->report->errors, (reader)->filename, ARC_COMPOSE_AT(node), \
			       __VA_ARGS__)

/* ---- CIDRs and names: the rules are common/'s, the words the CLI's ---- */

/* a CIDR as compose files write it, where the prefix may have leading zeros (`/08`) */
static gboolean
arc_compose_read_cidr_text(const gchar *text, ArcCidrFlags flags, ArcCidr *cidr, GError **error)
{
	ArcCidrReason reason;

	if (!arc_cidr_has_prefix_text(text)) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
			    _("invalid CIDR notation \"%s\": expected ADDRESS/PREFIX"), text);
		return FALSE;
	}
	reason = arc_cidr_read(text, flags | ARC_CIDR_LEADING_ZEROS, cidr);
	if (reason == ARC_CIDR_BAD_ADDRESS) {
		g_autofree gchar *host = g_strndup(text, (gsize)(strchr(text, '/') - text));

		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
			    _("invalid CIDR notation \"%s\": \"%s\" is not an IP address"), text,
			    host);
		return FALSE;
	}
	if (reason == ARC_CIDR_BAD_PREFIX) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
			    _("invalid CIDR notation \"%s\": the prefix must be 0 to %u"), text,
			    arc_cidr_bits(cidr));
		return FALSE;
	}
	if (reason == ARC_CIDR_HOST_BITS) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
			    _("invalid CIDR notation \"%s\": host bits are set"), text);
		return FALSE;
	}
	return TRUE;
}

/**
 * arc_compose_canonical_network:
 * @text: a network such as `10.0.0.0/8`
 *
 * Routes take networks: an address whose bits beyond the prefix are zero.
 *
 * Returns: (transfer full): the network in canonical form, or %NULL with @error set
 */
gchar *
arc_compose_canonical_network(const gchar *text, GError **error)
{
	ArcCidr cidr;

	if (!arc_compose_read_cidr_text(text, ARC_CIDR_NETWORK, &cidr, error))
		return NULL;
	return arc_cidr_to_string(&cidr);
}

/**
 * arc_compose_canonical_interface:
 * @text: an interface address such as `10.0.0.1/24`
 * @family: the family it must be of
 *
 * Returns: (transfer full): the address/prefix in canonical form, or %NULL with @error set
 */
gchar *
arc_compose_canonical_interface(const gchar *text, GSocketFamily family, GError **error)
{
	ArcCidr cidr;

	if (!arc_compose_read_cidr_text(text, 0, &cidr, error))
		return NULL;
	if (cidr.family != (family == G_SOCKET_FAMILY_IPV4 ? 4 : 6)) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
			    family == G_SOCKET_FAMILY_IPV4
				    ? _("invalid CIDR notation \"%s\": not an IPv4 address")
				    : _("invalid CIDR notation \"%s\": not an IPv6 address"),
			    text);
		return NULL;
	}
	return arc_cidr_to_string(&cidr);
}

/**
 * arc_compose_check_name:
 * @name: a peer or service name
 *
 * Names are what the agent accepts for services (docs/services.md): 1 to 64 bytes of
 * letters, digits, `-`, `_` and `.`.
 *
 * Returns: %TRUE if @name is usable
 */
gboolean
arc_compose_check_name(const gchar *name, GError **error)
{
	ArcNameReason reason = arc_name_check(name);

	if (reason == ARC_NAME_BAD_LENGTH) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
			    _("invalid name \"%s\": it must be 1 to %d characters"), name,
			    ARC_NAME_MAX);
		return FALSE;
	}
	if (reason == ARC_NAME_BAD_CHARACTER) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
			    _("invalid name \"%s\": use letters, digits, '-', '_' and "
			      "'.'"),
			    name);
		return FALSE;
	}
	return TRUE;
}

/* host:port with a port of 1 to 65535; the host a name, an IPv4 or a [bracketed] IPv6 */
static gboolean
arc_compose_check_address(const gchar *address, GError **error)
{
	const gchar *colon = strrchr(address, ':');
	guint64 port = 0;
	g_autofree gchar *host = NULL;

	if (colon == NULL || colon == address ||
	    !g_ascii_string_to_unsigned(colon + 1, 10, 1, 65535, &port, NULL)) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
			    _("invalid address \"%s\": expected HOST:PORT"), address);
		return FALSE;
	}
	host = g_strndup(address, (gsize)(colon - address));
	if (host[0] == '[') {
		g_autofree gchar *inner = g_strndup(host + 1, strlen(host) - 1);
		g_autoptr(GInetAddress) ip6 = NULL;

		if (g_str_has_suffix(inner, "]"))
			inner[strlen(inner) - 1] = '\0';
		ip6 = g_inet_address_new_from_string(inner);
		if (!g_str_has_suffix(host, "]") || ip6 == NULL ||
		    g_inet_address_get_family(ip6) != G_SOCKET_FAMILY_IPV6) {
			g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
				    _("invalid address \"%s\": expected HOST:PORT"), address);
			return FALSE;
		}
		return TRUE;
	}
	if (strchr(host, ':') != NULL ||
	    strspn(host, "abcdefghijklmnopqrstuvwxyz"
			 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") != strlen(host)) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
			    _("invalid address \"%s\": expected HOST:PORT (an IPv6 host goes in "
			      "brackets)"),
			    address);
		return FALSE;
	}
	return TRUE;
}

/* ---- typed reads of nodes ---- */

static const gchar *
arc_compose_kind_name(yaml_node_t *node)
{
	g_autofree gchar *text = NULL;

	if (node->type == YAML_MAPPING_NODE)
		return _("a mapping");
	if (node->type == YAML_SEQUENCE_NODE)
		return _("a list");
	if (node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return _("a string");
	text = g_strndup((const gchar *)node->data.scalar.value, node->data.scalar.length);
	switch (arc_cli_yaml_scalar_resolve(text, NULL, NULL, NULL)) {
	case ARC_CLI_YAML_SCALAR_NULL:
		return _("null");
	case ARC_CLI_YAML_SCALAR_BOOL:
		return _("a boolean");
	case ARC_CLI_YAML_SCALAR_INT:
		return _("an integer");
	case ARC_CLI_YAML_SCALAR_DOUBLE:
		return _("a number");
	default:
		return _("a string");
	}
}

static gchar *
arc_compose_scalar_text(yaml_node_t *node)
{
	return g_strndup((const gchar *)node->data.scalar.value, node->data.scalar.length);
}

static gchar *
arc_compose_read_string(ArcComposeReader *self, yaml_node_t *node, const gchar *key)
{
	g_autofree gchar *text = NULL;

	if (node->type == YAML_SCALAR_NODE) {
		text = arc_compose_scalar_text(node);
		if (node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
		    arc_cli_yaml_scalar_resolve(text, NULL, NULL, NULL) ==
			    ARC_CLI_YAML_SCALAR_STRING) {
			if (memchr(node->data.scalar.value, '\0', node->data.scalar.length) !=
			    NULL) {
				ARC_COMPOSE_ERROR(self, node, _("%s: contains a NUL byte"), key);
				return NULL;
			}
			return g_steal_pointer(&text);
		}
	}
	/* TRANSLATORS: "name: expected a string, got an integer" */
	ARC_COMPOSE_ERROR(self, node, _("%s: expected a string, got %s"), key,
			  arc_compose_kind_name(node));
	return NULL;
}

static gboolean
arc_compose_read_bool(ArcComposeReader *self, yaml_node_t *node, const gchar *key, gboolean *value)
{
	g_autofree gchar *text = NULL;

	if (node->type == YAML_SCALAR_NODE && node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
		text = arc_compose_scalar_text(node);
		if (arc_cli_yaml_scalar_resolve(text, value, NULL, NULL) ==
		    ARC_CLI_YAML_SCALAR_BOOL)
			return TRUE;
	}
	ARC_COMPOSE_ERROR(self, node, _("%s: expected true or false, got %s"), key,
			  arc_compose_kind_name(node));
	return FALSE;
}

static gboolean
arc_compose_read_int(ArcComposeReader *self, yaml_node_t *node, const gchar *key, gint64 min,
		     gint64 max, gint64 *value)
{
	g_autofree gchar *text = NULL;

	if (node->type == YAML_SCALAR_NODE && node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
		text = arc_compose_scalar_text(node);
		if (arc_cli_yaml_scalar_resolve(text, NULL, value, NULL) ==
		    ARC_CLI_YAML_SCALAR_INT) {
			g_autofree gchar *low = NULL, *high = NULL;

			if (*value >= min && *value <= max)
				return TRUE;
			low = g_strdup_printf("%" G_GINT64_FORMAT, min);
			high = g_strdup_printf("%" G_GINT64_FORMAT, max);
			ARC_COMPOSE_ERROR(self, node, _("%s: %s is out of range (%s to %s)"), key,
					  text, low, high);
			return FALSE;
		}
	}
	ARC_COMPOSE_ERROR(self, node, _("%s: expected an integer, got %s"), key,
			  arc_compose_kind_name(node));
	return FALSE;
}

static yaml_node_t *
arc_compose_get_node(ArcComposeReader *self, yaml_node_t *parent, gint index)
{
	yaml_node_t *node = yaml_document_get_node(self->document, index);

	if (node == NULL) {
		ARC_COMPOSE_ERROR(self, parent, _("malformed document"));
		return NULL;
	}
	if (self->budget == 0) {
		if (self->budget == 0 && self->report->errors->len == 0)
			ARC_COMPOSE_ERROR(self, node, _("document too large"));
		return NULL;
	}
	self->budget--;
	return node;
}

/*
 * Calls @cb for each key of a mapping with its value node; unknown and repeated keys are
 * errors. @keys ends with NULL; @found receives the value node of each, or NULL.
 */
static gboolean
arc_compose_read_mapping(ArcComposeReader *self, yaml_node_t *node, const gchar *what,
			 const gchar *const *keys, yaml_node_t **found)
{
	if (node->type != YAML_MAPPING_NODE) {
		/* TRANSLATORS: "service: expected a mapping, got a string" */
		ARC_COMPOSE_ERROR(self, node, _("%s: expected a mapping, got %s"), what,
				  arc_compose_kind_name(node));
		return FALSE;
	}
	for (guint i = 0; keys[i] != NULL; i++)
		found[i] = NULL;
	for (yaml_node_pair_t *pair = node->data.mapping.pairs.start;
	     pair < node->data.mapping.pairs.top; pair++) {
		yaml_node_t *key = arc_compose_get_node(self, node, pair->key);
		yaml_node_t *value = arc_compose_get_node(self, node, pair->value);
		g_autofree gchar *name = NULL;
		gboolean known = FALSE;

		if (key == NULL || value == NULL)
			return FALSE;
		if (key->type != YAML_SCALAR_NODE) {
			ARC_COMPOSE_ERROR(self, key, _("%s: keys must be strings"), what);
			continue;
		}
		name = arc_compose_scalar_text(key);
		for (guint i = 0; keys[i] != NULL && !known; i++) {
			if (g_strcmp0(keys[i], name) != 0)
				continue;
			known = TRUE;
			if (found[i] != NULL)
				ARC_COMPOSE_ERROR(self, key, _("%s: duplicate key \"%s\""), what,
						  name);
			found[i] = value;
		}
		if (!known)
			/* TRANSLATORS: "service: unknown key "foo"" */
			ARC_COMPOSE_ERROR(self, key, _("%s: unknown key \"%s\""), what, name);
	}
	return TRUE;
}

static gboolean
arc_compose_require(ArcComposeReader *self, yaml_node_t *mapping, const gchar *what,
		    const gchar *key, yaml_node_t *value)
{
	if (value != NULL)
		return TRUE;
	/* TRANSLATORS: "peer: missing required key "address"" */
	ARC_COMPOSE_ERROR(self, mapping, _("%s: missing required key \"%s\""), what, key);
	return FALSE;
}

/* ---- the schema ---- */

static gchar *
arc_compose_read_cidr(ArcComposeReader *self, yaml_node_t *node, const gchar *key, gint family)
{
	g_autofree gchar *text = arc_compose_read_string(self, node, key);
	g_autoptr(GError) error_local = NULL;
	gchar *canonical;

	if (text == NULL)
		return NULL;
	if (family == 0)
		canonical = arc_compose_canonical_network(text, &error_local);
	else
		canonical = arc_compose_canonical_interface(text, family, &error_local);
	if (canonical == NULL)
		ARC_COMPOSE_ERROR(self, node, "%s: %s", key, error_local->message);
	return canonical;
}

static ArcComposeRoute *
arc_compose_read_route(ArcComposeReader *self, yaml_node_t *node)
{
	const gchar *keys[] = {"priority", "source_cidr", "dest_cidr", NULL};
	yaml_node_t *found[G_N_ELEMENTS(keys)];
	g_autoptr(ArcComposeRoute) route = arc_compose_route_new(0, NULL, NULL);

	if (!arc_compose_read_mapping(self, node, "route", keys, found))
		return NULL;
	route->line = (guint)node->start_mark.line + 1;
	route->column = (guint)node->start_mark.column + 1;
	if (arc_compose_require(self, node, "route", "priority", found[0]))
		arc_compose_read_int(self, found[0], "priority", G_MININT32, G_MAXINT32,
				     &route->priority);
	if (found[1] != NULL)
		route->source_cidr = arc_compose_read_cidr(self, found[1], "source_cidr", 0);
	if (found[2] != NULL)
		route->dest_cidr = arc_compose_read_cidr(self, found[2], "dest_cidr", 0);
	if (found[1] == NULL && found[2] == NULL)
		ARC_COMPOSE_ERROR(
			self, node,
			_("route: at least one of source_cidr and dest_cidr is required"));
	return g_steal_pointer(&route);
}

static void
arc_compose_read_interface(ArcComposeReader *self, yaml_node_t *node, ArcComposeService *service)
{
	const gchar *keys[] = {"enabled", "ipv4", "ipv6", NULL};
	yaml_node_t *found[G_N_ELEMENTS(keys)];

	if (!arc_compose_read_mapping(self, node, "interface", keys, found))
		return;
	if (arc_compose_require(self, node, "interface", "enabled", found[0]))
		arc_compose_read_bool(self, found[0], "enabled", &service->interface_enabled);
	if (found[1] != NULL)
		service->interface_ipv4 =
			arc_compose_read_cidr(self, found[1], "ipv4", G_SOCKET_FAMILY_IPV4);
	if (found[2] != NULL)
		service->interface_ipv6 =
			arc_compose_read_cidr(self, found[2], "ipv6", G_SOCKET_FAMILY_IPV6);
}

static void
arc_compose_read_qos(ArcComposeReader *self, yaml_node_t *node, ArcComposeService *service)
{
	const gchar *keys[] = {"bandwidth_limit_mbps", NULL};
	yaml_node_t *found[G_N_ELEMENTS(keys)];

	if (!arc_compose_read_mapping(self, node, "qos", keys, found))
		return;
	if (found[0] != NULL)
		arc_compose_read_int(self, found[0], "bandwidth_limit_mbps", 0,
				     ARC_COMPOSE_MAX_BANDWIDTH, &service->bandwidth_limit_mbps);
}

static void
arc_compose_read_routes(ArcComposeReader *self, yaml_node_t *node, ArcComposeService *service)
{
	if (node->type != YAML_SEQUENCE_NODE) {
		ARC_COMPOSE_ERROR(self, node, _("%s: expected a list, got %s"), "routes",
				  arc_compose_kind_name(node));
		return;
	}
	for (yaml_node_item_t *item = node->data.sequence.items.start;
	     item < node->data.sequence.items.top; item++) {
		yaml_node_t *child = arc_compose_get_node(self, node, *item);
		ArcComposeRoute *route;

		if (child == NULL)
			return;
		route = arc_compose_read_route(self, child);
		if (route != NULL)
			g_ptr_array_add(service->routes, route);
	}
}

static void
arc_compose_read_service_strings(ArcComposeReader *self, yaml_node_t *node,
				 yaml_node_t *const *found, ArcComposeService *service)
{
	const gchar *names[] = {"name", "source_peer", "target_peer", "transport_type"};
	gchar **fields[] = {&service->name, &service->source_peer, &service->target_peer,
			    &service->transport_type};

	for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
		g_clear_pointer(fields[i], g_free);
		if (arc_compose_require(self, node, "service", names[i], found[i]))
			*fields[i] = arc_compose_read_string(self, found[i], names[i]);
	}
	if (service->transport_type != NULL && g_strcmp0(service->transport_type, "tcp") != 0 &&
	    g_strcmp0(service->transport_type, "kcp") != 0)
		ARC_COMPOSE_ERROR(self, found[3],
				  _("transport_type: \"%s\" is not a transport: use tcp or kcp"),
				  service->transport_type);
}

static ArcComposeService *
arc_compose_read_service(ArcComposeReader *self, yaml_node_t *node)
{
	const gchar *keys[] = {"name",
			       "source_peer",
			       "target_peer",
			       "transport_type",
			       "fully_transparent",
			       "interface",
			       "qos",
			       "routes",
			       NULL};
	yaml_node_t *found[G_N_ELEMENTS(keys)];
	g_autoptr(ArcComposeService) service = arc_compose_service_new(NULL);

	if (!arc_compose_read_mapping(self, node, "service", keys, found))
		return NULL;
	service->line = (guint)node->start_mark.line + 1;
	service->column = (guint)node->start_mark.column + 1;
	arc_compose_read_service_strings(self, node, found, service);
	if (found[4] != NULL)
		arc_compose_read_bool(self, found[4], "fully_transparent",
				      &service->fully_transparent);
	if (found[5] != NULL)
		arc_compose_read_interface(self, found[5], service);
	if (found[6] != NULL)
		arc_compose_read_qos(self, found[6], service);
	if (found[7] != NULL)
		arc_compose_read_routes(self, found[7], service);
	return g_steal_pointer(&service);
}

static ArcComposePeer *
arc_compose_read_peer(ArcComposeReader *self, yaml_node_t *node)
{
	const gchar *keys[] = {"name", "address", NULL};
	yaml_node_t *found[G_N_ELEMENTS(keys)];
	g_autoptr(ArcComposePeer) peer = arc_compose_peer_new(NULL, NULL);
	g_autoptr(GError) error_local = NULL;

	if (!arc_compose_read_mapping(self, node, "peer", keys, found))
		return NULL;
	peer->line = (guint)node->start_mark.line + 1;
	peer->column = (guint)node->start_mark.column + 1;
	if (arc_compose_require(self, node, "peer", "name", found[0]))
		peer->name = arc_compose_read_string(self, found[0], "name");
	if (arc_compose_require(self, node, "peer", "address", found[1]))
		peer->address = arc_compose_read_string(self, found[1], "address");
	if (peer->address != NULL && !arc_compose_check_address(peer->address, &error_local))
		ARC_COMPOSE_ERROR(self, found[1], "address: %s", error_local->message);
	return g_steal_pointer(&peer);
}

static void
arc_compose_read_list(ArcComposeReader *self, yaml_node_t *node, const gchar *key,
		      ArcComposeFile *file)
{
	gboolean peers = g_strcmp0(key, "peers") == 0;

	if (node->type != YAML_SEQUENCE_NODE) {
		ARC_COMPOSE_ERROR(self, node, _("%s: expected a list, got %s"), key,
				  arc_compose_kind_name(node));
		return;
	}
	for (yaml_node_item_t *item = node->data.sequence.items.start;
	     item < node->data.sequence.items.top; item++) {
		yaml_node_t *child = arc_compose_get_node(self, node, *item);
		gpointer element;

		if (child == NULL)
			return;
		element = peers ? (gpointer)arc_compose_read_peer(self, child)
				: (gpointer)arc_compose_read_service(self, child);
		if (element != NULL)
			g_ptr_array_add(peers ? file->peers : file->services, element);
	}
}

static void
arc_compose_read_root(ArcComposeReader *self, yaml_node_t *root, ArcComposeFile *file)
{
	const gchar *keys[] = {"version", "license", "peers", "services", NULL};
	yaml_node_t *found[G_N_ELEMENTS(keys)];

	if (!arc_compose_read_mapping(self, root, _("file"), keys, found))
		return;
	g_clear_pointer(&file->version, g_free);
	if (arc_compose_require(self, root, _("file"), "version", found[0]))
		file->version = arc_compose_read_string(self, found[0], "version");
	if (file->version != NULL && g_strcmp0(file->version, "v1") != 0)
		ARC_COMPOSE_ERROR(self, found[0],
				  _("version: unsupported version \"%s\": this arctic reads v1"),
				  file->version);
	if (found[1] != NULL)
		file->license = arc_compose_read_string(self, found[1], "license");
	if (arc_compose_require(self, root, _("file"), "peers", found[2]))
		arc_compose_read_list(self, found[2], "peers", file);
	if (found[3] != NULL && !(found[3]->type == YAML_SCALAR_NODE &&
				  found[3]->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
				  found[3]->data.scalar.length == 0))
		arc_compose_read_list(self, found[3], "services", file);
}

static void
arc_compose_report_parser_error(ArcComposeReport *report, const gchar *filename,
				yaml_parser_t *parser)
{
	const gchar *problem = parser->problem != NULL ? parser->problem : "invalid YAML";

	if (parser->error == YAML_MEMORY_ERROR) {
		arc_compose_report_add(report->errors, filename, 1, 1, _("out of memory"));
		return;
	}
	if (parser->context != NULL)
		arc_compose_report_add(
			report->errors, filename, (guint)parser->problem_mark.line + 1,
			(guint)parser->problem_mark.column + 1, "%s %s", parser->context, problem);
	else
		arc_compose_report_add(report->errors, filename,
				       (guint)parser->problem_mark.line + 1,
				       (guint)parser->problem_mark.column + 1, "%s", problem);
}

/**
 * arc_compose_parse:
 * @filename: the name errors give the file
 * @data: the YAML text
 * @length: its length
 * @report: where errors and warnings go
 *
 * Reads a compose file: its YAML, the keys and types of schema v1, required keys, CIDRs
 * and addresses. What relates items to each other is arc_compose_validate()'s work.
 *
 * Returns: (transfer full): the model, or %NULL when the YAML could not be read at all; the
 *   model may be incomplete when @report has errors
 */
ArcComposeFile *
arc_compose_parse(const gchar *filename, const gchar *data, gsize length, ArcComposeReport *report)
{
	yaml_parser_t parser;
	yaml_document_t document;
	yaml_node_t *root;
	g_autoptr(ArcComposeFile) file = arc_compose_file_new(filename);
	ArcComposeReader self = {filename, &document, report, ARC_COMPOSE_MAX_NODES};

	if (!yaml_parser_initialize(&parser)) {
		arc_compose_report_add(report->errors, filename, 1, 1, _("out of memory"));
		return NULL;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)data, length);
	if (!yaml_parser_load(&parser, &document)) {
		arc_compose_report_parser_error(report, filename, &parser);
		yaml_parser_delete(&parser);
		return NULL;
	}
	root = yaml_document_get_root_node(&document);
	if (root == NULL)
		arc_compose_report_add(
			report->errors, filename, 1, 1,
			_("the file is empty: expected version, peers and services"));
	else
		arc_compose_read_root(&self, root, file);
	yaml_document_delete(&document);
	yaml_parser_delete(&parser);
	return g_steal_pointer(&file);
}

/* ---- relations between items ---- */

static void
arc_compose_validate_peers(ArcComposeFile *self, ArcComposeReport *report)
{
	g_autoptr(GHashTable) names = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(GHashTable) addresses = g_hash_table_new(g_str_hash, g_str_equal);

	if (self->peers->len == 0)
		arc_compose_report_add(report->errors, self->filename, 1, 1,
				       _("peers: at least one peer is required"));
	for (guint i = 0; i < self->peers->len; i++) {
		ArcComposePeer *peer = g_ptr_array_index(self->peers, i);
		ArcComposePeer *other;
		g_autoptr(GError) error_local = NULL;

		if (peer->name != NULL && !arc_compose_check_name(peer->name, &error_local))
			arc_compose_report_add(report->errors, self->filename, peer->line,
					       peer->column, "peer: %s", error_local->message);
		if (peer->name != NULL && (other = g_hash_table_lookup(names, peer->name)) != NULL)
			arc_compose_report_add(report->errors, self->filename, peer->line,
					       peer->column,
					       _("peer: duplicate name \"%s\" (first at line %u)"),
					       peer->name, other->line);
		else if (peer->name != NULL)
			g_hash_table_insert(names, peer->name, peer);
		if (peer->address != NULL &&
		    (other = g_hash_table_lookup(addresses, peer->address)) != NULL)
			arc_compose_report_add(
				report->errors, self->filename, peer->line, peer->column,
				_("peer: address %s is already used by peer \"%s\" (line %u)"),
				peer->address, other->name != NULL ? other->name : "?",
				other->line);
		else if (peer->address != NULL)
			g_hash_table_insert(addresses, peer->address, peer);
	}
}

static void
arc_compose_validate_peer_ref(ArcComposeFile *self, ArcComposeService *service, const gchar *key,
			      const gchar *name, ArcComposeReport *report)
{
	if (name == NULL || arc_compose_file_get_peer(self, name) != NULL)
		return;
	/* TRANSLATORS: "service "web": source_peer "a" is not one of the peers" */
	arc_compose_report_add(report->errors, self->filename, service->line, service->column,
			       _("service \"%s\": %s \"%s\" is not one of the peers"),
			       service->name != NULL ? service->name : "?", key, name);
}

static gboolean
arc_compose_family_differs(const gchar *a, const gchar *b)
{
	if (a == NULL || b == NULL)
		return FALSE;
	return (strchr(a, ':') != NULL) != (strchr(b, ':') != NULL);
}

static void
arc_compose_validate_routes(ArcComposeFile *self, ArcComposeService *service,
			    ArcComposeReport *report)
{
	for (guint i = 0; i < service->routes->len; i++) {
		ArcComposeRoute *route = g_ptr_array_index(service->routes, i);

		/* a route whose networks did not parse was reported already */
		for (guint j = 0; j < i && (route->source_cidr != NULL || route->dest_cidr != NULL);
		     j++) {
			ArcComposeRoute *other = g_ptr_array_index(service->routes, j);

			if (g_strcmp0(route->source_cidr, other->source_cidr) != 0 ||
			    g_strcmp0(route->dest_cidr, other->dest_cidr) != 0)
				continue;
			arc_compose_report_add(report->errors, self->filename, route->line,
					       route->column,
					       _("route: the same source_cidr and dest_cidr as the "
						 "route at line %u"),
					       other->line);
			break;
		}
		if (arc_compose_family_differs(route->source_cidr, route->dest_cidr))
			arc_compose_report_add(
				report->warnings, self->filename, route->line, route->column,
				_("route: source_cidr and dest_cidr are of different "
				  "address families: it can never match"));
	}
}

static void
arc_compose_validate_service(ArcComposeFile *self, ArcComposeService *service,
			     ArcComposeReport *report)
{
	const gchar *name = service->name != NULL ? service->name : "?";
	g_autoptr(GError) error_local = NULL;

#define ARC_COMPOSE_SERVICE_ERROR(...)                                                             \
	arc_compose_report_add(report->errors, self->filename, service->line, service->column,     \
			       __VA_ARGS__)
	if (service->name != NULL && !arc_compose_check_name(service->name, &error_local))
		ARC_COMPOSE_SERVICE_ERROR("service: %s", error_local->message);
	arc_compose_validate_peer_ref(self, service, "source_peer", service->source_peer, report);
	arc_compose_validate_peer_ref(self, service, "target_peer", service->target_peer, report);
	if (service->source_peer != NULL &&
	    g_strcmp0(service->source_peer, service->target_peer) == 0)
		ARC_COMPOSE_SERVICE_ERROR(
			_("service \"%s\": source_peer and target_peer must differ"), name);
	if (!service->interface_enabled && service->routes->len == 0)
		ARC_COMPOSE_SERVICE_ERROR(
			_("service \"%s\": needs interface.enabled: true or at least one route"),
			name);
	if (!service->interface_enabled &&
	    (service->interface_ipv4 != NULL || service->interface_ipv6 != NULL))
		ARC_COMPOSE_SERVICE_ERROR(
			_("service \"%s\": interface addresses need interface.enabled: true"),
			name);
	if (service->fully_transparent && !service->interface_enabled)
		ARC_COMPOSE_SERVICE_ERROR(
			_("service \"%s\": fully_transparent needs interface.enabled: true"), name);
	if (service->fully_transparent && g_strcmp0(service->transport_type, "kcp") == 0)
		ARC_COMPOSE_SERVICE_ERROR(
			_("service \"%s\": fully_transparent needs transport_type: tcp"), name);
#undef ARC_COMPOSE_SERVICE_ERROR
	arc_compose_validate_routes(self, service, report);
}

/**
 * arc_compose_validate:
 * @self: a parsed file
 * @report: where errors and warnings go
 *
 * Checks what relates items: unique names and addresses, services that name peers of the
 * file, the rules of spec §7 and the agent's (docs/services.md), routes that would collide.
 */
void
arc_compose_validate(ArcComposeFile *self, ArcComposeReport *report)
{
	g_autoptr(GHashTable) names = g_hash_table_new(g_str_hash, g_str_equal);

	arc_compose_validate_peers(self, report);
	for (guint i = 0; i < self->services->len; i++) {
		ArcComposeService *service = g_ptr_array_index(self->services, i);
		ArcComposeService *other;

		arc_compose_validate_service(self, service, report);
		if (service->name == NULL)
			continue;
		other = g_hash_table_lookup(names, service->name);
		if (other != NULL)
			arc_compose_report_add(
				report->errors, self->filename, service->line, service->column,
				_("service: duplicate name \"%s\" (first at line %u)"),
				service->name, other->line);
		else
			g_hash_table_insert(names, service->name, service);
	}
}

/**
 * arc_compose_has_comments:
 * @data: YAML text
 * @length: its length
 * @line: (out) (optional): the line of the first comment
 *
 * The YAML library drops comments, so `fmt --write` would lose them: it asks first.
 * A comment is a `#` between tokens.
 *
 * Returns: %TRUE if the text has a comment
 */
gboolean
arc_compose_has_comments(const gchar *data, gsize length, guint *line)
{
	yaml_parser_t parser;
	yaml_token_t token;
	gsize from = 0;
	gboolean found = FALSE;
	gboolean done = FALSE;

	if (!yaml_parser_initialize(&parser))
		return FALSE;
	yaml_parser_set_input_string(&parser, (const unsigned char *)data, length);
	while (!done && !found && yaml_parser_scan(&parser, &token)) {
		gsize to = MIN(token.start_mark.index, length);
		const gchar *hash = from < to ? memchr(data + from, '#', to - from) : NULL;

		if (hash != NULL) {
			found = TRUE;
			if (line != NULL) {
				*line = 1;
				for (const gchar *p = data; p < hash; p++)
					*line += *p == '\n';
			}
		}
		from = MAX(from, token.end_mark.index);
		done = token.type == YAML_STREAM_END_TOKEN;
		yaml_token_delete(&token);
	}
	yaml_parser_delete(&parser);
	return found;
}

ArcComposePeer *
arc_compose_file_get_peer(ArcComposeFile *self, const gchar *name)
{
	for (guint i = 0; i < self->peers->len; i++) {
		ArcComposePeer *peer = g_ptr_array_index(self->peers, i);
		if (g_strcmp0(peer->name, name) == 0)
			return peer;
	}
	return NULL;
}

ArcComposeService *
arc_compose_file_get_service(ArcComposeFile *self, const gchar *name)
{
	for (guint i = 0; i < self->services->len; i++) {
		ArcComposeService *service = g_ptr_array_index(self->services, i);
		if (g_strcmp0(service->name, name) == 0)
			return service;
	}
	return NULL;
}

/* ---- the canonical form ---- */

static void
arc_compose_builder_string(JsonBuilder *builder, const gchar *member, const gchar *value)
{
	if (value == NULL)
		return;
	json_builder_set_member_name(builder, member);
	json_builder_add_string_value(builder, value);
}

static void
arc_compose_route_to_json(ArcComposeRoute *route, JsonBuilder *builder)
{
	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "priority");
	json_builder_add_int_value(builder, route->priority);
	arc_compose_builder_string(builder, "source_cidr", route->source_cidr);
	arc_compose_builder_string(builder, "dest_cidr", route->dest_cidr);
	json_builder_end_object(builder);
}

static void
arc_compose_service_to_json(ArcComposeService *service, JsonBuilder *builder)
{
	json_builder_begin_object(builder);
	arc_compose_builder_string(builder, "name", service->name);
	arc_compose_builder_string(builder, "source_peer", service->source_peer);
	arc_compose_builder_string(builder, "target_peer", service->target_peer);
	arc_compose_builder_string(builder, "transport_type", service->transport_type);
	if (service->fully_transparent) {
		json_builder_set_member_name(builder, "fully_transparent");
		json_builder_add_boolean_value(builder, TRUE);
	}
	if (service->interface_enabled || service->interface_ipv4 != NULL ||
	    service->interface_ipv6 != NULL) {
		json_builder_set_member_name(builder, "interface");
		json_builder_begin_object(builder);
		json_builder_set_member_name(builder, "enabled");
		json_builder_add_boolean_value(builder, service->interface_enabled);
		arc_compose_builder_string(builder, "ipv4", service->interface_ipv4);
		arc_compose_builder_string(builder, "ipv6", service->interface_ipv6);
		json_builder_end_object(builder);
	}
	if (service->bandwidth_limit_mbps != 0) {
		json_builder_set_member_name(builder, "qos");
		json_builder_begin_object(builder);
		json_builder_set_member_name(builder, "bandwidth_limit_mbps");
		json_builder_add_int_value(builder, service->bandwidth_limit_mbps);
		json_builder_end_object(builder);
	}
	if (service->routes->len > 0) {
		json_builder_set_member_name(builder, "routes");
		json_builder_begin_array(builder);
		for (guint i = 0; i < service->routes->len; i++)
			arc_compose_route_to_json(g_ptr_array_index(service->routes, i), builder);
		json_builder_end_array(builder);
	}
	json_builder_end_object(builder);
}

/**
 * arc_compose_file_to_json:
 * @self: a file
 *
 * The canonical form: keys in the order of the schema, values that are the defaults left
 * out (fully_transparent false, no interface, qos 0), networks canonical.
 *
 * Returns: (transfer full): the file as a JSON tree
 */
JsonNode *
arc_compose_file_to_json(ArcComposeFile *self)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();

	json_builder_begin_object(builder);
	arc_compose_builder_string(builder, "version", self->version);
	arc_compose_builder_string(builder, "license", self->license);
	json_builder_set_member_name(builder, "peers");
	json_builder_begin_array(builder);
	for (guint i = 0; i < self->peers->len; i++) {
		ArcComposePeer *peer = g_ptr_array_index(self->peers, i);

		json_builder_begin_object(builder);
		arc_compose_builder_string(builder, "name", peer->name);
		arc_compose_builder_string(builder, "address", peer->address);
		json_builder_end_object(builder);
	}
	json_builder_end_array(builder);
	if (self->services->len > 0) {
		json_builder_set_member_name(builder, "services");
		json_builder_begin_array(builder);
		for (guint i = 0; i < self->services->len; i++)
			arc_compose_service_to_json(g_ptr_array_index(self->services, i), builder);
		json_builder_end_array(builder);
	}
	json_builder_end_object(builder);
	return json_builder_get_root(builder);
}

/**
 * arc_compose_file_to_yaml:
 * @self: a file
 *
 * Returns: (transfer full): the canonical form as YAML, what `fmt` and `export` write
 */
gchar *
arc_compose_file_to_yaml(ArcComposeFile *self, GError **error)
{
	g_autoptr(JsonNode) node = arc_compose_file_to_json(self);

	return arc_cli_yaml_from_json(node, error);
}
