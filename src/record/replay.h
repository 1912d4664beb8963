/* replay.h - reading a recorded run: any instant, any window, exports
 *
 * A replay opens a run database written by the recorder (record/recorder.h)
 * read-only and answers three questions without re-running anything:
 *
 *   - what did every replica show at virtual time T?  The last snapshot
 *     at or before T, then every change after it up to T (docs/storage.md,
 *     "Replay"); the answer has the shape of mmr_view_dup;
 *   - which events happened between two instants?  Each is rebuilt as an
 *     MmrEvent, so everything that reads events (mmr_event_to_json, the
 *     exporters) reads a replay exactly like a live run;
 *   - the run as a ShiViz log or as JSON lines.
 *
 * Opening refuses what storage.h refuses (not SQLite, another
 * application's database, a replica database, another schema version,
 * truncated or damaged), plus a recording that never finished; errors are
 * MMR_STORAGE_ERROR and name the file. Nothing is ever written to it.
 */
#pragma once

#include <glib.h>

#include "store/output-guard.h"
#include "store/storage.h"
#include "core/event.h"
#include "sim/view.h"

G_BEGIN_DECLS

typedef struct _MmrReplay MmrReplay;

MmrReplay  *mmr_replay_open (const char *path, GError **error);
void        mmr_replay_free (MmrReplay *replay);

guint              mmr_replay_n_replicas   (const MmrReplay *replay);
/* NULL-terminated, indexed like the world's replicas. */
const char *const *mmr_replay_replica_names (const MmrReplay *replay);
const char        *mmr_replay_get_scenario (const MmrReplay *replay);
const char        *mmr_replay_get_source   (const MmrReplay *replay);
guint64            mmr_replay_get_seed     (const MmrReplay *replay);
gint64             mmr_replay_get_end_us   (const MmrReplay *replay);
guint64            mmr_replay_n_events     (const MmrReplay *replay);

/* Every replica's view after everything that happened at or before
 * @time_us: an array with one element per replica, each a GPtrArray of
 * MmrViewEntry* sorted by name, as mmr_view_dup (world, r, @with_absent)
 * returned at that instant of the live run. NULL on a damaged file. */
GPtrArray  *mmr_replay_dup_state (MmrReplay *replay, gint64 time_us,
                                  gboolean with_absent, GError **error);

/* Calls @func for each event with @from_us <= time <= @to_us, in order.
 * The event is valid only during the call. */
gboolean    mmr_replay_foreach_event (MmrReplay *replay, gint64 from_us,
                                      gint64 to_us, MmrObserverFunc func,
                                      gpointer user_data, GError **error);

/* One event per line, exactly as "mmr run --trace" writes them. */
gboolean    mmr_replay_export_jsonl  (MmrReplay *replay, const char *out,
                                      GError **error);
/* A ShiViz log (docs/storage.md, "ShiViz"): the parser regex line, an
 * empty delimiter line, then two lines per event of a replica. */
gboolean    mmr_replay_export_shiviz (MmrReplay *replay, const char *out,
                                      GError **error);

/* How a ShiViz log of ours starts (store/output-guard.h). */
extern const MmrOutputFormat mmr_replay_shiviz_format;

/* The regex ShiViz must use for the log: its default parser. */
#define MMR_SHIVIZ_REGEX "(?<event>.*)\\n(?<host>\\S*) (?<clock>{.*})"

/* The text line of @event in a ShiViz log: one line, no newline. */
char       *mmr_replay_shiviz_text (const MmrEvent *event,
                                    const char *const *names);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MmrReplay, mmr_replay_free)

G_END_DECLS
