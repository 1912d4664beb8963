/* durable-store.h - one replica's state in its own SQLite database
 *
 * A durable store is the on-disk half of a replica: every register (its
 * version vector and siblings, tombstones included), the replica's
 * conflict log, and what it has seen of each peer. It lives in one SQLite
 * file in WAL mode (schema version MMR_DURABLE_STORE_SCHEMA_VERSION,
 * documented in docs/storage.md). The in-memory MmrStore stays the one the
 * replica reads and merges into; the durable store is where it writes
 * through, and what it reloads after a crash.
 *
 * Durability is decided by when the caller commits:
 *   - outside a batch, every save is its own transaction (sync, one
 *     commit per write);
 *   - between mmr_durable_store_begin and _commit, saves are grouped into
 *     one transaction (group commit: sync with batching, or async when
 *     the replica acknowledges before committing).
 * mmr_durable_store_crash drops the open batch, which is exactly what an
 * acknowledged-but-uncommitted write loses in a crash.
 *
 * Errors are MMR_STORAGE_ERROR (store/storage.h); opening a file of
 * another kind or version, a truncated or damaged file, a read-only
 * directory or a full disk are errors naming the file, and a file that is
 * refused is never changed.
 *
 * Taught in docs/storage.md.
 */
#pragma once

#include <glib.h>

#include "core/event.h"
#include "store/register.h"
#include "store/storage.h"
#include "store/store.h"

G_BEGIN_DECLS

#define MMR_DURABLE_STORE_SCHEMA_VERSION 1
#define MMR_DURABLE_STORE_APPLICATION_ID 0x4D4D5253u   /* 'MMRS' */

typedef struct _MmrDurableStore MmrDurableStore;

/* What SQLite waits for at commit (PRAGMA synchronous). In WAL mode a
 * committed transaction survives a crash of the process with any of
 * them; NORMAL (the default) may lose the last commits if the machine
 * loses power, FULL may not. */
typedef enum {
  MMR_DURABLE_SYNC_OFF,
  MMR_DURABLE_SYNC_NORMAL,
  MMR_DURABLE_SYNC_FULL,
} MmrDurableSync;

/* One entry of the conflict log. */
typedef struct {
  gint64 id;               /* 1, 2, ... in logging order */
  gint64 time_us;          /* virtual time of the conflict */
  char *register_name;
  MmrResolveRule rule;
  GArray *met;             /* MmrVersion, values owned (cleared on free) */
  GArray *kept;            /* MmrDot: the versions that survived */
} MmrDurableConflict;

void mmr_durable_conflict_free (MmrDurableConflict *c);

/* Opens the store at @path, creating it (and its schema) when missing. */
MmrDurableStore *mmr_durable_store_open  (const char *path, GError **error);
/* Closes the store. Programmer error if a batch is open: commit or
 * roll it back first, or call mmr_durable_store_crash. */
void             mmr_durable_store_close (MmrDurableStore *store);
/* The crash: the open batch (if any) vanishes, the store is closed.
 * Everything committed before is still in the file. */
void             mmr_durable_store_crash (MmrDurableStore *store);

const char *mmr_durable_store_get_path (const MmrDurableStore *store);
/* TRUE when this open created the file. */
gboolean    mmr_durable_store_is_new   (const MmrDurableStore *store);

gboolean mmr_durable_store_set_sync      (MmrDurableStore *store,
                                          MmrDurableSync sync,
                                          GError **error);
/* Caps the file at @n_pages pages (PRAGMA max_page_count): a way to
 * make the disk "full" in tests. */
gboolean mmr_durable_store_set_max_pages (MmrDurableStore *store,
                                          guint n_pages, GError **error);

/* Group commit. begin inside a batch is a programmer error. After a
 * failed save inside a batch, roll the batch back. */
gboolean mmr_durable_store_begin    (MmrDurableStore *store, GError **error);
gboolean mmr_durable_store_commit   (MmrDurableStore *store, GError **error);
gboolean mmr_durable_store_rollback (MmrDurableStore *store, GError **error);
gboolean mmr_durable_store_in_batch (const MmrDurableStore *store);

/* Inserts or replaces register @name. Does not keep @reg. */
gboolean mmr_durable_store_save_register (MmrDurableStore *store,
                                          const char *name,
                                          const MmrRegister *reg,
                                          GError **error);
/* Saves every register of @from in one transaction (outside a batch). */
gboolean mmr_durable_store_save_all      (MmrDurableStore *store,
                                          const MmrStore *from,
                                          GError **error);
/* Adds every stored register to @into (replacing any of the same name).
 * A damaged row is a CORRUPT error naming the register; @into may then
 * hold the registers read before it and should be discarded. */
gboolean mmr_durable_store_load_all      (MmrDurableStore *store,
                                          MmrStore *into, GError **error);
guint64  mmr_durable_store_n_registers   (MmrDurableStore *store,
                                          GError **error);

/* What this replica has seen of peer @peer (a replica index). */
gboolean mmr_durable_store_save_peer  (MmrDurableStore *store, guint peer,
                                       const MmrVersionVector *seen,
                                       GError **error);
/* Fills @seen[0..MMR_MAX_REPLICAS-1]; peers never saved are empty. */
gboolean mmr_durable_store_load_peers (MmrDurableStore *store,
                                       MmrVersionVector *seen,
                                       GError **error);

/* Appends one conflict: the versions that met and the dots kept (the
 * arrays of an MmrEvent of kind CONFLICT/RESOLVE, or of an
 * MmrMergeResult). */
gboolean   mmr_durable_store_log_conflict  (MmrDurableStore *store,
                                            gint64 time_us,
                                            const char *register_name,
                                            MmrResolveRule rule,
                                            const MmrEventVersion *met,
                                            guint n_met,
                                            const MmrDot *kept,
                                            guint n_kept,
                                            GError **error);
/* MmrDurableConflict*, oldest first; NULL on error. */
GPtrArray *mmr_durable_store_dup_conflicts (MmrDurableStore *store,
                                            GError **error);

/* Free-form settings of the replica ("replica" = its name, ...). */
gboolean mmr_durable_store_set_meta (MmrDurableStore *store, const char *key,
                                     const char *value, GError **error);
/* NULL without error when @key was never set. */
char    *mmr_durable_store_dup_meta (MmrDurableStore *store, const char *key,
                                     GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MmrDurableStore, mmr_durable_store_close)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MmrDurableConflict, mmr_durable_conflict_free)

G_END_DECLS
