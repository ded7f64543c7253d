/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A third party's license plugin, built outside the project's build with nothing but
 * `pkg-config arctic-plugin` (see check-sdk.sh): it trusts no license at all, which is
 * enough to show that the agent runs a foreign backend and names it in errors.
 */
#include <arctic-plugin.h>

#define EXAMPLE_TYPE_LICENSE (example_license_get_type())
G_DECLARE_FINAL_TYPE(ExampleLicense, example_license, EXAMPLE, LICENSE, ArcPlugin)

struct _ExampleLicense {
	ArcPlugin parent_instance;
};

static void example_license_iface_init(ArcLicenseBackendInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE(ExampleLicense, example_license, ARC_TYPE_PLUGIN,
			      G_IMPLEMENT_INTERFACE(ARC_TYPE_LICENSE_BACKEND,
						    example_license_iface_init))

static ArcLicense *
example_license_verify(ArcLicenseBackend *backend, const gchar *document, gsize length,
		       GError **error)
{
	g_autoptr(ArcLicense) license = arc_license_parse(document, (gssize)length, error);
	if (license == NULL)
		return NULL;
	g_set_error(error, ARC_ERROR, ARC_ERROR_LICENSE_INVALID,
		    "the example backend trusts no license (got %s)", license->license_id);
	return NULL;
}

static void
example_license_iface_init(ArcLicenseBackendInterface *iface)
{
	iface->verify = example_license_verify;
}

static void
example_license_class_init(ExampleLicenseClass *klass)
{
}

static void
example_license_init(ExampleLicense *self)
{
}

ARC_PLUGIN_DEFINE("example-license", ARC_PLUGIN_KIND_LICENSE, "9.9.9", example_license_get_type)
