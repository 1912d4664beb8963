/* durable-store-private.h - what durable-store.c and durable-store-log.c
 * share; not part of the engine's API. */
#pragma once

#include "store/durable-store.h"

G_BEGIN_DECLS

enum {
  STMT_SAVE_REGISTER,
  STMT_SAVE_PEER,
  STMT_ADD_CONFLICT,
  STMT_ADD_VERSION,
  STMT_ADD_KEPT,
  STMT_SET_META,
  N_STMTS
};

struct _MmrDurableStore {
  char *path;
  sqlite3 *db;
  sqlite3_stmt *stmts[N_STMTS];
  GByteArray *buf;          /* reused for every siblings blob */
  gboolean is_new;
  gboolean in_batch;
};

/* Runs a bound statement that returns no rows, then resets it and
 * clears its bindings; @doing names the step in an error. */
gboolean mmr_durable_store_run (MmrDurableStore *s, sqlite3_stmt *stmt,
                                const char *doing, GError **error);

G_END_DECLS
