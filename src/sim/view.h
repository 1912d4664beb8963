/* view.h - what a reader sees at one replica
 *
 * A view turns a replica's registers into the keys and fields a client
 * reads: records are expanded into their fields ("user.name"), tombstones
 * make a key absent, siblings become a set of values. Reports, checkers
 * and the inspector all read replicas through views, so they agree on what
 * "visible" means.
 */
#pragma once

#include <glib.h>

#include "sim/world.h"

G_BEGIN_DECLS

typedef struct _MmrViewEntry MmrViewEntry;

struct _MmrViewEntry {
  char *name;               /* "cart" or "user.name" */
  char *register_name;      /* the register it lives in */
  GPtrArray *values;        /* char*, owned, sorted, de-duplicated */
  MmrVersionVector vv;      /* the register's vector (join of siblings) */
  guint n_siblings;         /* versions kept, tombstones included */
  gboolean is_absent;       /* every version is a tombstone */
  gboolean has_tombstone;   /* a tombstone is among the siblings */
  guint n_live;             /* versions that are not tombstones */
  const char *crdt_type;    /* "pncounter"... for a CRDT key, else NULL */
};

void mmr_view_entry_free (MmrViewEntry *e);

/* Entries of @replica sorted by name; absent keys included (flagged) when
 * @with_absent, else left out. */
GPtrArray *mmr_view_dup (const MmrWorld *world, guint replica,
                         gboolean with_absent);
/* The entries of one register (or CRDT key) @register_name of @replica,
 * sorted by name: exactly what mmr_view_dup lists for it, at the cost of
 * that register alone (a change observer's name goes here). Empty when
 * the replica holds nothing under that name. */
GPtrArray *mmr_view_dup_register (const MmrWorld *world, guint replica,
                                  const char *register_name,
                                  gboolean with_absent);
/* A client's read of @key (and @field, NULL or "" for none) at @replica:
 * mmr_world_read (traced as READ, the context for the client's next
 * write in @out_context), then what the client sees: the entry, owned,
 * or NULL when the key is unknown there. */
MmrViewEntry *mmr_view_read (MmrWorld *world, guint replica, const char *key,
                             const char *field,
                             MmrVersionVector *out_context);
/* One entry or NULL (owned). @name is "key" or "key.field". */
MmrViewEntry *mmr_view_lookup (const MmrWorld *world, guint replica,
                               const char *name);
/* What a reader sees of live versions @values (n >= 1) under strategy
 * merge @merge: the merge of their distinct values; with granularity
 * record, a record whose every field is the merge of that field's
 * distinct values over the records that have it. New encoded value. */
char *mmr_view_merge_values (MmrGranularity granularity, const char *merge,
                             const char *const *values, guint n);
/* "{eggs, milk}", "milk" or "absent". */
char *mmr_view_entry_format (const MmrViewEntry *e);
/* A register value for people: records as "{email: x, name: Ann}". */
char *mmr_view_format_value (MmrGranularity granularity, const char *value);

G_END_DECLS
