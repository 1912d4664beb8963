/* conflict-log.h - every conflict of a run, as data
 *
 * "Treat conflicts as data, not errors" (outline §24). The conflict log
 * observes the run and keeps one record per distinct conflict - the same
 * concurrent versions meeting at several replicas is one conflict, kept
 * as first detected: the key, the concurrent versions (value, version
 * vector, HLC, origin replica, time written), the strategy, the rule that
 * decided, the outcome (the winning value, the siblings kept, or the
 * merged value) and the writes it discarded.
 *
 * Reports (mmr run, --json), the inspector and the labs read it.
 * Taught in docs/conflicts.md ("The conflict log") and lab 05.
 */
#pragma once

#include <glib.h>

#include "sim/world.h"

G_BEGIN_DECLS

typedef struct {
  MmrDot dot;
  char *value;              /* NULL for a tombstone */
  MmrVersionVector vv;      /* the register's vector right after the write */
  MmrHlc hlc;
  gint64 ts;                /* LWW timestamp */
  guint32 ts_logical;
  gint64 written_us;        /* virtual time of the write; -1 if unknown */
  gboolean is_kept;         /* survived the resolution */
} MmrConflictVersion;

typedef enum {
  MMR_OUTCOME_WINNER,       /* LWW: one version kept */
  MMR_OUTCOME_SIBLINGS,     /* all kept, read back together */
  MMR_OUTCOME_MERGED,       /* all kept, read through a merge function */
} MmrConflictOutcome;

typedef struct {
  char *key;                /* register name */
  guint replica;            /* where first detected */
  gint64 time_us;
  guint64 seq;              /* its RESOLVE event */
  MmrStrategy strategy;
  MmrResolveRule rule;
  MmrConflictOutcome outcome;
  char *value;              /* the winner's or the merged value */
  GArray *versions;         /* MmrConflictVersion */
} MmrConflict;

typedef struct _MmrConflictLog MmrConflictLog;

/* Subscribes to @world; free before the world. */
MmrConflictLog *mmr_conflict_log_new  (MmrWorld *world);
void            mmr_conflict_log_free (MmrConflictLog *log);
/* MmrConflict*, borrowed, in order of detection: concurrent versions. */
GPtrArray      *mmr_conflict_log_get  (MmrConflictLog *log);
/* MmrConflict*, borrowed: causally newer writes LWW rejected for their
 * smaller timestamp (rule lww-rejected-newer). Not conflicts: the writer
 * had seen the version that beat it. */
GPtrArray      *mmr_conflict_log_get_rejected (MmrConflictLog *log);
const char     *mmr_conflict_outcome_to_string (MmrConflictOutcome outcome);
/* One sentence for people: "lww by timestamp: eggs (C:1) wins; discarded
 * A:2 milk,flour". */
char           *mmr_conflict_describe (const MmrConflict *c,
                                       const char *const *names,
                                       MmrGranularity granularity);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MmrConflictLog, mmr_conflict_log_free)

G_END_DECLS
