// SPDX-License-Identifier: GPL-2.0
/*
 * json.c: the dry run's output, one change per line, deterministic (keys
 * in a fixed order, properties sorted), for tests and for the admin.
 */
#include "mapping.h"
#include "output.h"

static void str(FILE *f, const char *s)
{
	const unsigned char *p;

	fputc('"', f);
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p == '\t')
			fputs("\\t", f);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);	/* UTF-8 passes as it is */
	}
	fputc('"', f);
}

static void field(FILE *f, const char *key, const char *value)
{
	if (!value)
		return;
	fprintf(f, ",\"%s\":", key);
	str(f, value);
}

void bm_print_register(FILE *f, const char *cluster)
{
	fputs("{\"register\":", f);
	str(f, cluster);
	fputs("}\n", f);
	fflush(f);
}

void bm_print_down(FILE *f, const char *cluster)
{
	fputs("{\"down\":", f);
	str(f, cluster);
	fputs("}\n", f);
	fflush(f);
}

static void one(FILE *f, const struct bm_change *c)
{
	switch (c->op) {
	case BM_OP_PUBLISH:
		fprintf(f, "{\"publish\":\"%s\"", bm_type_name(c->object_type));
		break;
	case BM_OP_REMOVE:
		fprintf(f, "{\"remove\":\"%s\"", bm_type_name(c->object_type));
		break;
	case BM_OP_EVENT:
		fprintf(f, "{\"event\":\"%s\"",
			bm_kind_name(c->object_type, c->v2_flag));
		break;
	}
	field(f, "id", c->id);
	field(f, "parent", c->parent);
	field(f, "name", c->name);
	field(f, "type", c->type_name);
	if (c->has_state)
		field(f, "state", bm_state_name(c->object_type, c->state));
	if (c->props) {
		GPtrArray *names = bm_props_names(c->props);
		guint i;

		fputs(",\"props\":{", f);
		for (i = 0; i < names->len; i++) {
			if (i)
				fputc(',', f);
			str(f, names->pdata[i]);
			fputc(':', f);
			str(f, g_hash_table_lookup(c->props, names->pdata[i]));
		}
		fputc('}', f);
		g_ptr_array_unref(names);
	}
	fputs("}\n", f);
}

void bm_print_changes(FILE *f, const GPtrArray *changes)
{
	guint i;

	for (i = 0; i < changes->len; i++)
		one(f, changes->pdata[i]);
	fflush(f);
}
