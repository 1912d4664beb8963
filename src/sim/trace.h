/* trace.h - the run's events as JSON lines, and their hash
 *
 * mmr_event_to_json gives one event as one line of JSON with a fixed key
 * order, so equal runs give equal bytes. A trace writer is an observer that
 * writes those lines to a file and/or folds them into a SHA-256: two runs
 * with the same scenario and seed must print the same hash
 * (tests/sim/determinism-test.cc).
 *
 * One JSON object per event, its members those of MmrEvent (core/event.h);
 * docs/architecture.md says how traces are used
 * and docs/storage.md how the recorder keeps the same events.
 */
#pragma once

#include <stdio.h>
#include <glib.h>

#include "sim/world.h"
#include "store/output-guard.h"

G_BEGIN_DECLS

/* How a trace file starts: its first event's first key (an empty trace,
 * of a run without events, is an empty file). For store/output-guard.h. */
extern const MmrOutputFormat mmr_trace_format;

/* One line, no newline. Fields a kind does not use are left out. */
char *mmr_event_to_json (const MmrEvent *event, const char *const *names);
void  mmr_event_append_json (GString *out, const MmrEvent *event,
                             const char *const *names);

typedef struct _MmrTraceWriter MmrTraceWriter;

/* @out may be NULL (hash only); it is not closed by the writer. */
MmrTraceWriter *mmr_trace_writer_new  (MmrWorld *world, FILE *out);
void            mmr_trace_writer_free (MmrTraceWriter *tw);
/* Hex SHA-256 of every line so far (each followed by '\n'). */
const char     *mmr_trace_writer_get_hash (MmrTraceWriter *tw);
guint64         mmr_trace_writer_n_events (const MmrTraceWriter *tw);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MmrTraceWriter, mmr_trace_writer_free)

G_END_DECLS
