/* recorder.h - the flight recorder: a whole run in one SQLite file
 *
 * A recorder observes a world (every event, every register change) and
 * writes it to a run database (record/run-db.h, docs/storage.md): the
 * scenario text and seed, each event with all its fields, the versions
 * that met in each conflict, each change as the changed register's view
 * at that replica, and now and then a snapshot of every replica's view.
 * record/replay.h reads it back: the state at any instant, events in a time
 * window, exports.
 *
 * The file is written as PATH.part and renamed to PATH by
 * mmr_recorder_finish, so a run that fails or is interrupted never
 * leaves a half-written database under the real name; the .part is
 * tracked for removal on SIGINT/SIGTERM (store/part-file.h). Whether
 * PATH may be replaced is the caller's to check first
 * (store/output-guard.h with mmr_run_db_output_format).
 *
 * Observers cannot fail, so the first storage error (a full disk) stops
 * the recording; mmr_recorder_finish then reports it.
 *
 * Taught in docs/storage.md ("The run recorder").
 */
#pragma once

#include <glib.h>

#include "store/storage.h"
#include "sim/world.h"

G_BEGIN_DECLS

/* Snapshot every max(this, registers in all replicas) changes: the
 * snapshots then cost no more than the changes, and rebuilding any
 * instant reads one snapshot plus at most that many changes. */
#define MMR_RECORDER_DEFAULT_SNAPSHOT_CHANGES 4096

typedef struct {
  const char *scenario;       /* the scenario's file name */
  const char *source;         /* the scenario's text */
  guint64 seed;
  guint snapshot_changes;     /* 0: MMR_RECORDER_DEFAULT_SNAPSHOT_CHANGES */
} MmrRecorderInfo;

typedef struct _MmrRecorder MmrRecorder;

/* Starts recording @world into @path (through @path.part, replacing a
 * stale one). Call before the world's first event. Errors are
 * MMR_STORAGE_ERROR. */
MmrRecorder *mmr_recorder_new    (MmrWorld *world, const char *path,
                                  const MmrRecorderInfo *info,
                                  GError **error);
/* Takes a last snapshot, marks the run complete and renames the file
 * into place. FALSE (and no file at @path from this run) on any error
 * during the run or now. The recorder stops observing either way. */
gboolean     mmr_recorder_finish (MmrRecorder *rec, GError **error);
/* Frees the recorder; an unfinished recording is abandoned and its
 * .part file removed. */
void         mmr_recorder_free   (MmrRecorder *rec);

guint64      mmr_recorder_n_events    (const MmrRecorder *rec);
guint64      mmr_recorder_n_changes   (const MmrRecorder *rec);
guint64      mmr_recorder_n_snapshots (const MmrRecorder *rec);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MmrRecorder, mmr_recorder_free)

G_END_DECLS
