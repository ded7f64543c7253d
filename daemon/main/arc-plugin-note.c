/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-plugin-note.h"

#include <elf.h>
#include <link.h>
#include <string.h>

/* The note ARC_PLUGIN_DEFINE writes (arc-plugin.h), read from a module's file before, and
 * instead of, dlopen(): opening a module maps every library it links and runs their
 * constructors (tempest's libcrypto, libb2 and libgomp cost an idle agent 1.9 MB), which a
 * plugin the agent does not use should not cost. Only modules of the agent's own ELF class
 * and byte order can be loaded at all; anything else has no note for us, and the loader then
 * opens the module as it always did, to refuse it with dlopen()'s reason. */

G_STATIC_ASSERT(sizeof(ArcPluginNote) == 3 * sizeof(guint32) + 8 + sizeof(ArcPluginNoteDesc));
G_STATIC_ASSERT(sizeof(ArcPluginNoteDesc) % 4 == 0);

#if __SIZEOF_POINTER__ == 8
#define ARC_PLUGIN_NOTE_ELFCLASS ELFCLASS64
#else
#define ARC_PLUGIN_NOTE_ELFCLASS ELFCLASS32
#endif
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
#define ARC_PLUGIN_NOTE_ELFDATA ELFDATA2LSB
#else
#define ARC_PLUGIN_NOTE_ELFDATA ELFDATA2MSB
#endif

/* both string fields end inside their arrays, and the name is not empty */
static gboolean
arc_plugin_note_desc_valid(const ArcPluginNoteDesc *desc)
{
	return desc->name[0] != '\0' && memchr(desc->name, '\0', sizeof(desc->name)) != NULL &&
	       memchr(desc->version, '\0', sizeof(desc->version)) != NULL;
}

/* our note among the notes of one PT_NOTE segment, entries padded to @align */
static gboolean
arc_plugin_note_scan(const guint8 *notes, gsize size, gsize align, ArcPluginNoteDesc *desc)
{
	gsize pos = 0;

	while (size - pos >= sizeof(ElfW(Nhdr))) {
		ElfW(Nhdr) header;
		gsize name_len, desc_len;
		const guint8 *name;

		memcpy(&header, notes + pos, sizeof(header));
		pos += sizeof(header);
		if (header.n_namesz > size - pos || header.n_descsz > size - pos)
			return FALSE;
		name_len = ((gsize)header.n_namesz + align - 1) & ~(align - 1);
		desc_len = ((gsize)header.n_descsz + align - 1) & ~(align - 1);
		if (name_len > size - pos)
			return FALSE;
		name = notes + pos;
		pos += name_len;
		if (header.n_descsz > size - pos)
			return FALSE;
		if (header.n_type == ARC_PLUGIN_NOTE_TYPE &&
		    header.n_namesz == sizeof(ARC_PLUGIN_NOTE_OWNER) &&
		    memcmp(name, ARC_PLUGIN_NOTE_OWNER, sizeof(ARC_PLUGIN_NOTE_OWNER)) == 0 &&
		    header.n_descsz == sizeof(*desc)) {
			memcpy(desc, notes + pos, sizeof(*desc));
			return arc_plugin_note_desc_valid(desc);
		}
		if (desc_len > size - pos)
			return FALSE;
		pos += desc_len;
	}
	return FALSE;
}

/**
 * arc_plugin_note_find:
 * @data: the bytes of a module's file
 * @size: their number
 * @desc: (out): the note's descriptor
 *
 * Finds the plugin note in the PT_NOTE segments of an ELF file of the agent's own class and
 * byte order. The strings of a found descriptor end inside their arrays, the name is not
 * empty; the ABI and kind are the caller's to check.
 *
 * Returns: %TRUE if the file has a well-formed plugin note
 */
gboolean
arc_plugin_note_find(const guint8 *data, gsize size, ArcPluginNoteDesc *desc)
{
	ElfW(Ehdr) ehdr;

	if (size < sizeof(ehdr))
		return FALSE;
	memcpy(&ehdr, data, sizeof(ehdr));
	if (memcmp(ehdr.e_ident, ELFMAG, SELFMAG) != 0 ||
	    ehdr.e_ident[EI_CLASS] != ARC_PLUGIN_NOTE_ELFCLASS ||
	    ehdr.e_ident[EI_DATA] != ARC_PLUGIN_NOTE_ELFDATA ||
	    ehdr.e_phentsize != sizeof(ElfW(Phdr)) || ehdr.e_phoff > size ||
	    ehdr.e_phnum > (size - ehdr.e_phoff) / sizeof(ElfW(Phdr)))
		return FALSE;
	for (guint i = 0; i < ehdr.e_phnum; i++) {
		ElfW(Phdr) phdr;

		memcpy(&phdr, data + ehdr.e_phoff + i * sizeof(phdr), sizeof(phdr));
		if (phdr.p_type != PT_NOTE || phdr.p_offset > size ||
		    phdr.p_filesz > size - phdr.p_offset)
			continue;
		/* entries are padded to 4 bytes, or to 8 in a segment aligned so (gABI) */
		if (arc_plugin_note_scan(data + phdr.p_offset, phdr.p_filesz,
					 phdr.p_align == 8 ? 8 : 4, desc))
			return TRUE;
	}
	return FALSE;
}

/**
 * arc_plugin_note_read_file:
 * @path: a module
 * @desc: (out): its note's descriptor
 *
 * Reads the plugin note of a module without loading it (the file is mapped for the read).
 *
 * Returns: %TRUE if the file could be read and has a well-formed plugin note
 */
gboolean
arc_plugin_note_read_file(const gchar *path, ArcPluginNoteDesc *desc)
{
	g_autoptr(GMappedFile) file = g_mapped_file_new(path, FALSE, NULL);

	if (file == NULL)
		return FALSE;
	return arc_plugin_note_find((const guint8 *)g_mapped_file_get_contents(file),
				    g_mapped_file_get_length(file), desc);
}
