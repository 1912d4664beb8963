/* run-db.h - the file format of a recorded run (shared by recorder.c,
 * which writes it, and replay.c, which reads it)
 *
 * A run database is one SQLite file, application_id 'MMRR', schema
 * version MMR_RUN_DB_SCHEMA_VERSION. Its tables (docs/storage.md, "The
 * run recorder") hold the scenario and seed, every event, the versions
 * that met in each conflict, every register change as the changed
 * register's view entries, and periodic snapshots of every replica's
 * view. The state at any instant is the last snapshot before it plus the
 * changes since.
 *
 * View entries are stored as one blob per register:
 *
 *   entries := n:varint entry{n}
 *   entry   := name:string flags:u8 n_siblings:varint n_live:varint
 *              vv_len:varint vv:bytes crdt_type:string
 *              n_values:varint value:string{n_values}
 *   flags   := bit 0 is_absent, bit 1 has_tombstone
 *   string  := length:varint bytes        ("" for no CRDT type)
 *
 * with vv in the version-vector blob format of store/storage.h.
 */
#pragma once

#include <glib.h>

#include "sim/view.h"
#include "store/output-guard.h"
#include "store/storage.h"

G_BEGIN_DECLS

#define MMR_RUN_DB_SCHEMA_VERSION 1
#define MMR_RUN_DB_APPLICATION_ID 0x4D4D5252u   /* 'MMRR' */

extern const MmrStorageFormat mmr_run_db_format;
/* The same, for store/output-guard.h. */
extern const MmrOutputFormat mmr_run_db_output_format;
/* Every CREATE statement of the schema, in one string. */
extern const char mmr_run_db_schema_sql[];

/* Appends the blob of @entries (MmrViewEntry*, all of one register). */
void     mmr_run_db_encode_entries (GByteArray *out, GPtrArray *entries,
                                    guint first, guint n);
/* Appends the decoded entries (MmrViewEntry*, owned) of register
 * @register_name to @into; FALSE when @data is not a valid blob. */
gboolean mmr_run_db_decode_entries (const guint8 *data, gsize len,
                                    const char *register_name,
                                    GPtrArray *into);

/* The versions that met in a conflict (the versions column of events):
 * n:varint then each in storage.h's version format. decode replaces
 * @into's contents (MmrEventVersion) and appends the values it allocates
 * to @values, which owns them; FALSE on a malformed blob. An empty blob is
 * no versions. */
void     mmr_run_db_encode_versions (GByteArray *out,
                                     const MmrEventVersion *versions,
                                     guint n);
gboolean mmr_run_db_decode_versions (const guint8 *data, gsize len,
                                     GArray *into, GPtrArray *values);

/* A list of dots (the kept and superseded columns of events): for each,
 * the replica index (one byte) and the counter (varint). encode replaces
 * @out's contents; decode replaces @into's (MmrDot) and returns FALSE on
 * a malformed blob. */
void     mmr_run_db_encode_dots (GByteArray *out, const MmrDot *dots,
                                 guint n);
gboolean mmr_run_db_decode_dots (const guint8 *data, gsize len,
                                 GArray *into);

/* Event kinds and resolve rules by name, as stored; FALSE if unknown. */
gboolean mmr_run_db_parse_kind (const char *text, MmrEventKind *out);
gboolean mmr_run_db_parse_rule (const char *text, MmrResolveRule *out);

G_END_DECLS
