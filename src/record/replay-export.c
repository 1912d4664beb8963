/* replay-export.c - a recorded run as JSON lines or as a ShiViz log
 *
 * Interface (replay.h): mmr_replay_export_jsonl, _export_shiviz,
 * mmr_replay_shiviz_text.
 *
 * ShiViz (DistributedClocks/shiviz) draws a space-time diagram from a log
 * of events stamped with vector clocks. Opened as a file, its first line
 * is the parser regex and its second the execution delimiter, so the log
 * starts with MMR_SHIVIZ_REGEX and an empty line; then two lines per
 * event:
 *
 *   send state to B: cart = milk, dot A:1, msg 1
 *   A {"A":2}
 *
 * ShiViz requires each host's own clock entry to run 1, 2, ..., n over
 * its logged events. The world ticks a replica's own entry once for every
 * event at that replica and merges the sender's clock into a delivery
 * (sim/world.c: world_emit), so logging exactly the events that have a
 * replica - and no others - satisfies it; world events (partition, heal,
 * config) have no clock and are left out.
 *
 * Both exports write OUT.part and rename it (store/part-file.h), so OUT is
 * either the whole export or untouched; whether OUT may be replaced at all
 * is the caller's question (store/output-guard.h, with
 * mmr_replay_shiviz_format and mmr_trace_format).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>

#include "record/replay-private.h"
#include "sim/trace.h"
#include "store/part-file.h"

typedef struct {
  FILE *file;
  GString *line;
  const char *const *names;
  int error;               /* errno of the first failed write, or 0 */
} Writer;

static void
put_line (Writer *w)
{
  g_string_append_c (w->line, '\n');
  if (w->error == 0 && fwrite (w->line->str, 1, w->line->len, w->file)
                       != w->line->len)
    w->error = errno != 0 ? errno : EIO;
  g_string_truncate (w->line, 0);
}

/* Runs @each over every event into OUT.part, then renames it to @out. */
static gboolean
export_to (MmrReplay *rp, const char *out, const char *header,
           MmrObserverFunc each, GError **error)
{
  g_autoptr (MmrPartFile) part = mmr_part_file_open (out, error);
  Writer w = { 0 };
  gboolean ok;

  if (part == NULL)
    return FALSE;
  w.file = mmr_part_file_get_stream (part);
  w.line = g_string_new (header);
  w.names = mmr_replay_replica_names (rp);
  if (header != NULL)
    put_line (&w);
  ok = mmr_replay_foreach_event (rp, G_MININT64, G_MAXINT64, each, &w, error);
  g_string_free (w.line, TRUE);
  return ok && mmr_part_file_commit (part, w.error, error);
}

static void
jsonl_cb (const MmrEvent *ev, gpointer user_data)
{
  Writer *w = user_data;

  mmr_event_append_json (w->line, ev, w->names);
  put_line (w);
}

gboolean
mmr_replay_export_jsonl (MmrReplay *replay, const char *out, GError **error)
{
  return export_to (replay, out, NULL, jsonl_cb, error);
}

static const char *
peer_word (MmrEventKind kind)
{
  switch (kind)
    {
    case MMR_EV_SEND:
    case MMR_EV_DROP:
      return "to";
    case MMR_EV_DELIVER:
    case MMR_EV_DUPLICATE:
      return "from";
    default:
      return "with";
    }
}

/* DOC: shiviz-text */
char *
mmr_replay_shiviz_text (const MmrEvent *ev, const char *const *names)
{
  GString *s = g_string_new (mmr_event_kind_to_string (ev->kind));

  if (ev->detail != NULL)
    g_string_append_printf (s, " %s", ev->detail);
  if (ev->peer >= 0)
    g_string_append_printf (s, " %s %s", peer_word (ev->kind),
                            names[ev->peer]);
  if (ev->key != NULL)
    g_string_append_printf (s, "%s%s", ev->peer >= 0 || ev->detail != NULL
                                       ? ": " : " ", ev->key);
  if (ev->value != NULL)
    g_string_append_printf (s, " = %s", ev->value);
  if (ev->kind == MMR_EV_CONFLICT || ev->kind == MMR_EV_RESOLVE)
    g_string_append_printf (s, " (%s)", mmr_resolve_rule_to_string (ev->rule));
  if (ev->dot.counter != 0)
    g_string_append_printf (s, ", dot %s:%u", names[ev->dot.replica],
                            ev->dot.counter);
  if (ev->msg_id != 0)
    g_string_append_printf (s, ", msg %" G_GUINT64_FORMAT, ev->msg_id);
  /* One event, one line: the parser's "(?<event>.*)" stops at a newline. */
  for (char *p = s->str; *p; p++)
    if (*p == '\n' || *p == '\r')
      *p = ' ';
  return g_string_free (s, FALSE);
}

static void
shiviz_cb (const MmrEvent *ev, gpointer user_data)
{
  Writer *w = user_data;
  g_autofree char *text = NULL;
  gboolean first = TRUE;

  if (ev->replica < 0)
    return;
  text = mmr_replay_shiviz_text (ev, w->names);
  g_string_append (w->line, text);
  put_line (w);
  /* DOC: shiviz-clock */
  g_string_append_printf (w->line, "%s {", w->names[ev->replica]);
  for (guint i = 0; i < MMR_MAX_REPLICAS; i++)
    if (ev->clock.c[i] != 0)
      {
        g_string_append_printf (w->line, "%s\"%s\": %u", first ? "" : ", ",
                                w->names[i], ev->clock.c[i]);
        first = FALSE;
      }
  g_string_append_c (w->line, '}');
  put_line (w);
}

/* A log of ours starts with the regex line and the empty line. */
const MmrOutputFormat mmr_replay_shiviz_format = {
  "ShiViz log", 0, MMR_SHIVIZ_REGEX "\n\n", NULL
};

gboolean
mmr_replay_export_shiviz (MmrReplay *replay, const char *out, GError **error)
{
  /* The regex line, then the empty delimiter line. */
  return export_to (replay, out, MMR_SHIVIZ_REGEX "\n", shiviz_cb, error);
}
