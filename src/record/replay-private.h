/* replay-private.h - what replay.c and replay-export.c share; not part
 * of the engine's API. */
#pragma once

#include "record/replay.h"
#include "record/run-db.h"
#include "store/storage.h"

G_BEGIN_DECLS

struct _MmrReplay {
  char *path;
  sqlite3 *db;                           /* read-only */
  char *names[MMR_MAX_REPLICAS + 1];     /* owned, NULL-terminated */
  guint n;
  char *scenario;
  char *source;
  guint64 seed;
  gint64 end_us;
  guint64 n_events;
  MmrRunDbCodes codes;
  GArray *event_blocks;                  /* ReplayBlock, in key order */
  GArray *change_blocks;
};

/* A row of event_blocks or change_blocks, without its data. */
typedef struct {
  gint64 first;
  gint64 n;
  gint64 first_time_us;
  gint64 last_time_us;
} ReplayBlock;

G_END_DECLS
