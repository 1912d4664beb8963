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

#define MMR_RUN_DB_SCHEMA_VERSION 2
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

/* ---- events and changes in blocks (run-db-blocks.c) ---- */

/* At most this many events in a row of event_blocks, changes in a row of
 * change_blocks. */
#define MMR_RUN_DB_BLOCK_ROWS 4096

/* How a recording's codes read back: kind and rule codes (meta 'kinds'
 * and 'rules') to this mmr's enums, and the number of replicas. */
typedef struct {
  MmrEventKind kinds[256];
  gboolean has_kind[256];
  guint n_kinds;
  MmrResolveRule rules[256];
  gboolean has_rule[256];
  guint n_rules;
  guint n_replicas;
} MmrRunDbCodes;

/* Storage for the arrays of the event being read (values owned). */
typedef struct {
  GArray *met;            /* MmrEventVersion; values owned by @values */
  GArray *kept;           /* MmrDot */
  GArray *superseded;     /* MmrDot */
  GPtrArray *values;
} MmrRunDbEventArrays;

/* One change as read from a block; pointers into the block. */
typedef struct {
  guint64 dseq;
  gint64 dtime;
  guint replica;
  const char *register_name;
  const guint8 *entries;
  gsize entries_len;
} MmrRunDbChange;

/* What an event is written relative to: the time of the event before
 * and each replica's clock at its event before; all zero at the start
 * of a block. */
typedef struct {
  gint64 time_us;
  MmrVersionVector clocks[MMR_MAX_REPLICAS];
} MmrRunDbCursor;

/* Appends @ev relative to @cur, and moves @cur past it; @scratch: three
 * buffers for the versions, kept and superseded blobs. */
void     mmr_run_db_put_event (GByteArray *out, const MmrEvent *ev,
                               MmrRunDbCursor *cur, GByteArray *scratch[3]);
/* Reads the event at *@p and moves @cur past it (seq is left 0: the
 * caller knows it); its strings point into the block, its arrays into
 * @a. FALSE when malformed. */
gboolean mmr_run_db_get_event (const guint8 **p, const guint8 *end,
                               MmrRunDbCursor *cur, const MmrRunDbCodes *codes,
                               MmrEvent *ev, MmrRunDbEventArrays *a);
void     mmr_run_db_put_change (GByteArray *out, guint64 dseq, gint64 dtime,
                                guint replica, const char *register_name,
                                const guint8 *entries, gsize entries_len);
gboolean mmr_run_db_get_change (const guint8 **p, const guint8 *end,
                                guint n_replicas, MmrRunDbChange *out);
void     mmr_run_db_event_arrays_init  (MmrRunDbEventArrays *a);
void     mmr_run_db_event_arrays_clear (MmrRunDbEventArrays *a);

/* The meta rows 'kinds' and 'rules': this mmr's names, space-separated,
 * in code order (newly allocated). */
char    *mmr_run_db_dup_kind_names (void);
char    *mmr_run_db_dup_rule_names (void);
/* Fills @codes from those rows; an unknown name leaves its code unusable
 * (an event using it is then a damaged event), never fails. */
void     mmr_run_db_codes_init (MmrRunDbCodes *codes, const char *kinds,
                                const char *rules, guint n_replicas);

/* Event kinds and resolve rules by name, as stored; FALSE if unknown. */
gboolean mmr_run_db_parse_kind (const char *text, MmrEventKind *out);
gboolean mmr_run_db_parse_rule (const char *text, MmrResolveRule *out);

G_END_DECLS
