/* trace.c - events to JSON lines (see trace.h)
 *
 * Hand-formatted rather than built through json-glib: traces of large runs
 * have millions of lines and this is the hot path; the key order is part
 * of the format, and tests parse the output back with json-glib.
 */
#include "sim/trace.h"

const MmrOutputFormat mmr_trace_format = { "trace", 0, "{\"seq\":", NULL };

static void
append_string (GString *out, const char *s)
{
  g_string_append_c (out, '"');
  for (const unsigned char *p = (const unsigned char *) s; *p; p++)
    {
      switch (*p)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          if (*p < 0x20)
            g_string_append_printf (out, "\\u%04x", *p);
          else
            g_string_append_c (out, (char) *p);
        }
    }
  g_string_append_c (out, '"');
}

static void
append_vv (GString *out, const MmrVersionVector *vv, const char *const *names)
{
  gboolean first = TRUE;

  g_string_append_c (out, '{');
  for (guint i = 0; i < MMR_MAX_REPLICAS; i++)
    {
      if (vv->c[i] == 0)
        continue;
      if (!first)
        g_string_append_c (out, ',');
      append_string (out, names[i]);
      g_string_append_printf (out, ":%u", vv->c[i]);
      first = FALSE;
    }
  g_string_append_c (out, '}');
}

static void
append_dot (GString *out, MmrDot dot, const char *const *names)
{
  g_string_append_printf (out, "\"%s:%u\"", names[dot.replica], dot.counter);
}

static void
append_versions (GString *out, const MmrEvent *ev, const char *const *names)
{
  g_string_append (out, ",\"versions\":[");
  for (guint i = 0; i < ev->n_versions; i++)
    {
      const MmrEventVersion *v = &ev->versions[i];

      g_string_append (out, i > 0 ? ",{\"dot\":" : "{\"dot\":");
      append_dot (out, v->dot, names);
      g_string_append (out, ",\"value\":");
      if (v->value != NULL)
        append_string (out, v->value);
      else
        g_string_append (out, "null");
      g_string_append_printf (out, ",\"ts\":[%" G_GINT64_FORMAT ",%u]"
                              ",\"hlc\":\"%" G_GINT64_FORMAT ".%u\"}",
                              v->ts, v->ts_logical, v->hlc.l, v->hlc.c);
    }
  g_string_append (out, "],\"kept\":[");
  for (guint i = 0; i < ev->n_kept; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      append_dot (out, ev->kept[i], names);
    }
  g_string_append_c (out, ']');
}

/* DOC: trace-line */
void
mmr_event_append_json (GString *out, const MmrEvent *ev,
                       const char *const *names)
{
  g_string_append_printf (out, "{\"seq\":%" G_GUINT64_FORMAT
                          ",\"t\":%" G_GINT64_FORMAT ",\"kind\":\"%s\"",
                          ev->seq, ev->time_us,
                          mmr_event_kind_to_string (ev->kind));
  if (ev->replica >= 0)
    g_string_append_printf (out, ",\"replica\":\"%s\"", names[ev->replica]);
  if (ev->peer >= 0)
    g_string_append_printf (out, ",\"peer\":\"%s\"", names[ev->peer]);
  if (ev->key != NULL)
    {
      g_string_append (out, ",\"key\":");
      append_string (out, ev->key);
    }
  if (ev->value != NULL)
    {
      g_string_append (out, ",\"value\":");
      append_string (out, ev->value);
    }
  if (ev->dot.counter != 0)
    {
      g_string_append (out, ",\"dot\":");
      append_dot (out, ev->dot, names);
    }
  if (ev->key != NULL)
    {
      g_string_append (out, ",\"vv\":");
      append_vv (out, &ev->vv, names);
    }
  if (ev->replica >= 0)
    {
      g_string_append (out, ",\"clock\":");
      append_vv (out, &ev->clock, names);
      g_string_append_printf (out, ",\"hlc\":\"%" G_GINT64_FORMAT ".%u\"",
                              ev->hlc.l, ev->hlc.c);
    }
  if (ev->msg_id != 0)
    g_string_append_printf (out, ",\"msg\":%" G_GUINT64_FORMAT ",\"bytes\":%u",
                            ev->msg_id, ev->bytes);
  if (ev->detail != NULL)
    {
      g_string_append (out, ",\"detail\":");
      append_string (out, ev->detail);
    }
  if (ev->kind == MMR_EV_CONFLICT || ev->kind == MMR_EV_RESOLVE)
    {
      g_string_append_printf (out, ",\"rule\":\"%s\"",
                              mmr_resolve_rule_to_string (ev->rule));
      append_versions (out, ev, names);
    }
  if (ev->n_superseded > 0)
    {
      g_string_append (out, ",\"superseded\":[");
      for (guint i = 0; i < ev->n_superseded; i++)
        {
          if (i > 0)
            g_string_append_c (out, ',');
          append_dot (out, ev->superseded[i], names);
        }
      g_string_append_c (out, ']');
    }
  g_string_append_c (out, '}');
}

char *
mmr_event_to_json (const MmrEvent *event, const char *const *names)
{
  GString *s = g_string_new (NULL);

  mmr_event_append_json (s, event, names);
  return g_string_free (s, FALSE);
}

struct _MmrTraceWriter {
  MmrWorld *world;
  guint observer;
  FILE *out;
  GChecksum *sum;
  GString *line;
  char *hash;
  guint64 n_events;
};

static void
on_event (const MmrEvent *ev, gpointer user_data)
{
  MmrTraceWriter *tw = user_data;

  g_string_truncate (tw->line, 0);
  mmr_event_append_json (tw->line, ev, mmr_world_replica_names (tw->world));
  g_string_append_c (tw->line, '\n');
  g_checksum_update (tw->sum, (const guchar *) tw->line->str,
                     (gssize) tw->line->len);
  if (tw->out != NULL)
    fwrite (tw->line->str, 1, tw->line->len, tw->out);
  tw->n_events++;
}

MmrTraceWriter *
mmr_trace_writer_new (MmrWorld *world, FILE *out)
{
  MmrTraceWriter *tw = g_new0 (MmrTraceWriter, 1);

  tw->world = world;
  tw->out = out;
  tw->sum = g_checksum_new (G_CHECKSUM_SHA256);
  tw->line = g_string_new (NULL);
  tw->observer = mmr_world_add_observer (world, on_event, tw);
  return tw;
}

void
mmr_trace_writer_free (MmrTraceWriter *tw)
{
  if (tw == NULL)
    return;
  mmr_world_remove_observer (tw->world, tw->observer);
  g_checksum_free (tw->sum);
  g_string_free (tw->line, TRUE);
  g_free (tw->hash);
  g_free (tw);
}

const char *
mmr_trace_writer_get_hash (MmrTraceWriter *tw)
{
  GChecksum *copy = g_checksum_copy (tw->sum);

  g_free (tw->hash);
  tw->hash = g_strdup (g_checksum_get_string (copy));
  g_checksum_free (copy);
  return tw->hash;
}

guint64
mmr_trace_writer_n_events (const MmrTraceWriter *tw)
{
  return tw->n_events;
}
