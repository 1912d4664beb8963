/* report.c - run reports (see report.h) */
#include "scenario/report.h"

#include <string.h>

#include "core/duration.h"
#include "sim/view.h"

static const char *const strategy_names[] = { "lww", "siblings", "merge" };
static const char *const causality_names[] = { "vv", "dvv", "history" };
static const char *const clock_names[] = { "physical", "lamport", "hlc" };
static const char *const granularity_names[] = { "record", "field" };

static void
add_vv (JsonBuilder *b, const MmrVersionVector *vv, const char *const *names)
{
  json_builder_begin_object (b);
  for (guint i = 0; i < MMR_MAX_REPLICAS; i++)
    if (vv->c[i] != 0)
      {
        json_builder_set_member_name (b, names[i]);
        json_builder_add_int_value (b, vv->c[i]);
      }
  json_builder_end_object (b);
}

/* DOC: causal-history */
/* With "causality history" a key also shows its causal history: the
 * explicit set of write ids it has seen. A replica's writes to a key are
 * seen in order, so the set is every (r, k) with k <= vv[r] - the vector
 * is this set compressed, which is the point of lab 02. */
static void
add_history (JsonBuilder *b, const MmrVersionVector *vv,
             const char *const *names)
{
  json_builder_set_member_name (b, "history");
  json_builder_begin_array (b);
  for (guint i = 0; i < MMR_MAX_REPLICAS; i++)
    for (guint32 k = 1; k <= vv->c[i]; k++)
      {
        g_autofree char *id = g_strdup_printf ("%s:%u", names[i], k);

        json_builder_add_string_value (b, id);
      }
  json_builder_end_array (b);
}

static void
add_replicas (JsonBuilder *b, MmrWorld *w)
{
  const char *const *names = mmr_world_replica_names (w);
  gboolean with_history =
      mmr_world_get_config (w)->causality == MMR_CAUSALITY_HISTORY;

  json_builder_set_member_name (b, "replicas");
  json_builder_begin_object (b);
  for (guint r = 0; r < mmr_world_n_replicas (w); r++)
    {
      g_autoptr (GPtrArray) view = mmr_view_dup (w, r, FALSE);

      json_builder_set_member_name (b, names[r]);
      json_builder_begin_object (b);
      for (guint i = 0; i < view->len; i++)
        {
          const MmrViewEntry *e = view->pdata[i];

          json_builder_set_member_name (b, e->name);
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "values");
          json_builder_begin_array (b);
          for (guint v = 0; v < e->values->len; v++)
            json_builder_add_string_value (b, e->values->pdata[v]);
          json_builder_end_array (b);
          json_builder_set_member_name (b, "vv");
          add_vv (b, &e->vv, names);
          if (with_history)
            add_history (b, &e->vv, names);
          /* DOC: json-siblings */
          /* Siblings are the live versions, tombstones not counted: the
           * number "expect siblings" compares (runner.c). Tombstones kept
           * beside them are counted apart. */
          if (e->n_live > 1)
            {
              json_builder_set_member_name (b, "siblings");
              json_builder_add_int_value (b, e->n_live);
            }
          if (e->n_siblings > e->n_live && e->n_live > 0)
            {
              json_builder_set_member_name (b, "tombstones");
              json_builder_add_int_value (b, e->n_siblings - e->n_live);
            }
          json_builder_end_object (b);
        }
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
}

static void
add_lost (JsonBuilder *b, MmrRunner *runner)
{
  MmrWorld *w = mmr_runner_get_world (runner);
  g_autoptr (GPtrArray) lost = mmr_write_log_dup_lost (
      mmr_runner_get_write_log (runner));

  json_builder_set_member_name (b, "lost_writes");
  json_builder_begin_array (b);
  for (guint i = 0; i < lost->len; i++)
    {
      const MmrLostWrite *lw = lost->pdata[i];
      g_autofree char *dot = g_strdup_printf (
          "%s:%u", mmr_world_replica_name (w, lw->dot.replica), lw->dot.counter);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "replica");
      json_builder_add_string_value (b, mmr_world_replica_name (w, lw->replica));
      json_builder_set_member_name (b, "key");
      json_builder_add_string_value (b, lw->key);
      json_builder_set_member_name (b, "value");
      if (lw->value != NULL)
        json_builder_add_string_value (b, lw->value);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "dot");
      json_builder_add_string_value (b, dot);
      json_builder_set_member_name (b, "time_us");
      json_builder_add_int_value (b, lw->time_us);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
add_dot (JsonBuilder *b, const char *member, MmrDot d,
         const char *const *names)
{
  g_autofree char *dot = g_strdup_printf ("%s:%u", names[d.replica],
                                          d.counter);

  json_builder_set_member_name (b, member);
  json_builder_add_string_value (b, dot);
}

static void
add_string_or_null (JsonBuilder *b, const char *member, const char *value)
{
  json_builder_set_member_name (b, member);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_conflict_version (JsonBuilder *b, const MmrConflictVersion *v,
                      const char *const *names, MmrGranularity granularity)
{
  g_autofree char *hlc = mmr_hlc_to_string (v->hlc);
  g_autofree char *value = v->value != NULL
                           ? mmr_view_format_value (granularity, v->value)
                           : NULL;

  json_builder_begin_object (b);
  add_dot (b, "dot", v->dot, names);
  json_builder_set_member_name (b, "replica");
  json_builder_add_string_value (b, names[v->dot.replica]);
  add_string_or_null (b, "value", value);
  json_builder_set_member_name (b, "vv");
  add_vv (b, &v->vv, names);
  json_builder_set_member_name (b, "hlc");
  json_builder_add_string_value (b, hlc);
  json_builder_set_member_name (b, "time_us");
  json_builder_add_int_value (b, v->written_us);
  json_builder_end_object (b);
}

/* DOC: conflicts-json */
/* @member: "conflicts" (concurrent versions met) or "rejected_newer"
 * (causally newer writes LWW discarded; same fields, not conflicts). */
static void
add_conflicts (JsonBuilder *b, MmrRunner *runner, const char *member,
               GPtrArray *log)
{
  MmrWorld *w = mmr_runner_get_world (runner);
  const char *const *names = mmr_world_replica_names (w);
  MmrGranularity gran = mmr_world_get_config (w)->granularity;

  json_builder_set_member_name (b, member);
  json_builder_begin_array (b);
  for (guint i = 0; i < log->len; i++)
    {
      const MmrConflict *c = log->pdata[i];
      g_autofree char *value = c->value != NULL
                               ? mmr_view_format_value (gran, c->value) : NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "key");
      json_builder_add_string_value (b, c->key);
      json_builder_set_member_name (b, "detected_at");
      json_builder_add_string_value (b, names[c->replica]);
      json_builder_set_member_name (b, "time_us");
      json_builder_add_int_value (b, c->time_us);
      json_builder_set_member_name (b, "strategy");
      json_builder_add_string_value (b, strategy_names[c->strategy]);
      json_builder_set_member_name (b, "rule");
      json_builder_add_string_value (b, mmr_resolve_rule_to_string (c->rule));
      json_builder_set_member_name (b, "outcome");
      json_builder_add_string_value (b,
                                     mmr_conflict_outcome_to_string (c->outcome));
      add_string_or_null (b, "value", value);
      json_builder_set_member_name (b, "versions");
      json_builder_begin_array (b);
      for (guint v = 0; v < c->versions->len; v++)
        add_conflict_version (b, &g_array_index (c->versions,
                                                 MmrConflictVersion, v),
                              names, gran);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "discarded");
      json_builder_begin_array (b);
      for (guint v = 0; v < c->versions->len; v++)
        {
          const MmrConflictVersion *cv = &g_array_index (c->versions,
                                                         MmrConflictVersion, v);
          if (!cv->is_kept)
            add_conflict_version (b, cv, names, gran);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
add_expectations (JsonBuilder *b, MmrRunner *runner)
{
  GPtrArray *ex = mmr_runner_get_expectations (runner);

  json_builder_set_member_name (b, "expectations");
  json_builder_begin_array (b);
  for (guint i = 0; i < ex->len; i++)
    {
      const MmrExpectation *e = ex->pdata[i];

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "line");
      json_builder_add_int_value (b, e->line);
      json_builder_set_member_name (b, "ok");
      json_builder_add_boolean_value (b, e->ok);
      json_builder_set_member_name (b, "text");
      json_builder_add_string_value (b, e->text);
      json_builder_set_member_name (b, "found");
      json_builder_add_string_value (b, e->message);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static double
per_write (guint64 x, guint64 writes)
{
  return writes > 0 ? (double) x / (double) writes : 0.0;
}

static void
member_int (JsonBuilder *b, const char *name, gint64 v)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, v);
}

static void
member_double (JsonBuilder *b, const char *name, double v)
{
  json_builder_set_member_name (b, name);
  json_builder_add_double_value (b, v);
}

/* From the last heal to the moment every replica came to show the same
 * state and kept showing it; -1 when nothing was healed or the run ends
 * diverged. Replicas that already agreed at the heal converged 0s after
 * it. Not the last state change: changes a reader cannot see (LWW folding
 * a losing write into the vector) may come after agreement. */
static gint64
converge_after_heal (MmrRunner *runner)
{
  const MmrMetrics *m = mmr_world_get_metrics (mmr_runner_get_world (runner));
  gint64 since = mmr_convergence_watch_since_us (
      mmr_runner_get_convergence_watch (runner));

  if (m->last_heal_us < 0 || since < 0)
    return -1;
  return MAX (0, since - m->last_heal_us);
}

static void
add_metrics (JsonBuilder *b, MmrRunner *runner)
{
  MmrWorld *w = mmr_runner_get_world (runner);
  const MmrMetrics *m = mmr_world_get_metrics (w);
  gint64 conv = converge_after_heal (runner);

  json_builder_set_member_name (b, "metrics");
  json_builder_begin_object (b);
  member_int (b, "writes", (gint64) m->writes);
  member_int (b, "messages", (gint64) m->messages);
  member_int (b, "bytes", (gint64) m->bytes);
  member_double (b, "messages_per_write", per_write (m->push_messages, m->writes));
  member_double (b, "bytes_per_write", per_write (m->push_bytes, m->writes));
  member_double (b, "metadata_bytes_per_write",
                 per_write (m->metadata_bytes, m->writes));
  member_int (b, "antientropy_messages", (gint64) m->antientropy_messages);
  member_int (b, "antientropy_bytes", (gint64) m->antientropy_bytes);
  member_int (b, "delivered", (gint64) m->delivered);
  member_int (b, "dropped", (gint64) m->dropped);
  member_int (b, "duplicated", (gint64) m->duplicated);
  member_int (b, "conflicts", (gint64) m->conflicts);
  member_int (b, "rejected_newer", (gint64) m->rejected_newer);
  member_double (b, "causality_bytes_per_write_vv",
                 per_write (m->meta_vv_bytes, m->push_messages));
  member_double (b, "causality_bytes_per_write_dvv",
                 per_write (m->meta_dvv_bytes, m->push_messages));
  member_double (b, "causality_bytes_per_write_history",
                 per_write (m->meta_history_bytes, m->push_messages));
  json_builder_set_member_name (b, "converge_after_heal_us");
  if (conv >= 0)
    json_builder_add_int_value (b, conv);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
}

JsonNode *
mmr_report_json (MmrRunner *runner)
{
  MmrWorld *w = mmr_runner_get_world (runner);
  const MmrWorldConfig *cfg = mmr_world_get_config (w);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (GPtrArray) diffs = mmr_check_convergence (w);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "scenario");
  json_builder_add_string_value (b, mmr_runner_get_script (runner)->filename);
  member_int (b, "seed", (gint64) mmr_runner_get_seed (runner));
  json_builder_set_member_name (b, "strategy");
  json_builder_add_string_value (b, strategy_names[cfg->strategy]);
  json_builder_set_member_name (b, "clock");
  json_builder_add_string_value (b, clock_names[cfg->clock]);
  json_builder_set_member_name (b, "granularity");
  json_builder_add_string_value (b, granularity_names[cfg->granularity]);
  json_builder_set_member_name (b, "causality");
  json_builder_add_string_value (b, causality_names[cfg->causality]);
  if (cfg->strategy == MMR_STRATEGY_MERGE)
    {
      json_builder_set_member_name (b, "merge");
      json_builder_add_string_value (b, cfg->merge);
    }
  member_int (b, "time_us", mmr_world_now (w));
  member_int (b, "events", (gint64) mmr_world_n_events (w));
  json_builder_set_member_name (b, "converged");
  json_builder_add_boolean_value (b, diffs->len == 0);
  json_builder_set_member_name (b, "differences");
  json_builder_begin_array (b);
  for (guint i = 0; i < diffs->len; i++)
    json_builder_add_string_value (b, diffs->pdata[i]);
  json_builder_end_array (b);
  add_replicas (b, w);
  add_conflicts (b, runner, "conflicts",
                 mmr_conflict_log_get (mmr_runner_get_conflict_log (runner)));
  add_conflicts (b, runner, "rejected_newer",
                 mmr_conflict_log_get_rejected (
                     mmr_runner_get_conflict_log (runner)));
  add_lost (b, runner);
  add_expectations (b, runner);
  add_metrics (b, runner);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* DOC: json-escape */
/* json-glib 1.6 (Debian 12) escapes control characters below U+001F but
 * writes U+001F itself raw (its test is "< 0x1f"), and a raw control
 * character inside a string is not JSON. Every control byte still inside
 * a string is therefore written as \u00XX here. Outside strings the
 * generator writes only structure and whitespace; in UTF-8 a byte below
 * 0x20 is always a character of its own, never part of a longer one. */
static char *
escape_controls (const char *text)
{
  GString *out = g_string_sized_new (strlen (text) + 16);
  gboolean in_string = FALSE, escaped = FALSE;

  for (const unsigned char *p = (const unsigned char *) text; *p; p++)
    {
      if (in_string && !escaped && *p < 0x20)
        {
          g_string_append_printf (out, "\\u%04x", *p);
          continue;
        }
      if (in_string && !escaped && *p == '\\')
        escaped = TRUE;
      else if (!escaped && *p == '"')
        in_string = !in_string;
      else
        escaped = FALSE;
      g_string_append_c (out, (char) *p);
    }
  return g_string_free (out, FALSE);
}

char *
mmr_report_json_to_data (JsonNode *root, gboolean pretty)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, pretty);
  text = json_generator_to_data (gen, NULL);
  return escape_controls (text);
}

char *
mmr_report_json_string (MmrRunner *runner, gboolean pretty)
{
  g_autoptr (JsonNode) root = mmr_report_json (runner);

  return mmr_report_json_to_data (root, pretty);
}

/* ---- text ---- */

typedef struct {
  const char *ok, *bad, *dim, *bold, *off;
} Colors;

static void
text_replicas (GString *s, MmrWorld *w, const Colors *c)
{
  const char *const *names = mmr_world_replica_names (w);

  for (guint r = 0; r < mmr_world_n_replicas (w); r++)
    {
      g_autoptr (GPtrArray) view = mmr_view_dup (w, r, FALSE);

      g_string_append_printf (s, "%sreplica %s%s  (%u key%s)\n", c->bold,
                              names[r], c->off, view->len,
                              view->len == 1 ? "" : "s");
      for (guint i = 0; i < view->len; i++)
        {
          const MmrViewEntry *e = view->pdata[i];
          g_autofree char *shown = mmr_view_entry_format (e);
          g_autofree char *vv = mmr_version_vector_to_string (&e->vv, names);

          /* A CRDT key has no version vector or siblings of its own (its
           * causal context is inside the state): name its type instead. */
          if (e->crdt_type)
            g_string_append_printf (s, "  %-16s = %-20s %s%s%s\n", e->name,
                                    shown, c->dim, e->crdt_type, c->off);
          else
            g_string_append_printf (s, "  %-16s = %-20s %svv %s%s%s\n",
                                    e->name, shown, c->dim, vv,
                                    e->values->len > 1 ? "  siblings" : "",
                                    c->off);
        }
    }
}

static void
text_metrics (GString *s, MmrRunner *runner)
{
  const MmrMetrics *m = mmr_world_get_metrics (mmr_runner_get_world (runner));
  gint64 conv = converge_after_heal (runner);

  g_string_append_printf (s,
      "metrics: %" G_GUINT64_FORMAT " writes, %" G_GUINT64_FORMAT
      " messages, %" G_GUINT64_FORMAT " bytes (%" G_GUINT64_FORMAT
      " of them anti-entropy)\n"
      "  per write: %.1f messages, %.1f bytes, %.1f bytes of metadata\n"
      "  %" G_GUINT64_FORMAT " delivered, %" G_GUINT64_FORMAT " dropped, %"
      G_GUINT64_FORMAT " duplicated, %" G_GUINT64_FORMAT " conflicts\n",
      m->writes, m->messages, m->bytes, m->antientropy_bytes,
      per_write (m->push_messages, m->writes),
      per_write (m->push_bytes, m->writes),
      per_write (m->metadata_bytes, m->writes), m->delivered, m->dropped,
      m->duplicated, m->conflicts);
  if (m->rejected_newer > 0)
    g_string_append_printf (s, "  %" G_GUINT64_FORMAT " rejected newer "
                            "write%s (not counted as conflicts)\n",
                            m->rejected_newer,
                            m->rejected_newer == 1 ? "" : "s");
  if (m->meta_vv_bytes > 0)
    g_string_append_printf (s,
        "  causality metadata per pushed write: %.1f B as version vector, "
        "%.1f B as dotted version vector, %.1f B as causal history\n",
        per_write (m->meta_vv_bytes, m->push_messages),
        per_write (m->meta_dvv_bytes, m->push_messages),
        per_write (m->meta_history_bytes, m->push_messages));
  if (conv >= 0)
    {
      g_autofree char *d = mmr_duration_format (conv);

      g_string_append_printf (s, "  converged %s after the last heal\n", d);
    }
}

/* "conflicts: N" and one line each; @always FALSE prints nothing for 0. */
static void
text_conflicts (GString *s, MmrWorld *w, const char *title, GPtrArray *log,
                gboolean always)
{
  MmrGranularity gran = mmr_world_get_config (w)->granularity;

  if (log->len == 0 && !always)
    return;
  g_string_append_printf (s, "%s: %u\n", title, log->len);
  for (guint i = 0; i < log->len; i++)
    {
      const MmrConflict *cf = log->pdata[i];
      g_autofree char *t = mmr_duration_format (cf->time_us);
      g_autofree char *d = mmr_conflict_describe (
          cf, mmr_world_replica_names (w), gran);

      g_string_append_printf (s, "  %s at %s, %s: %s\n", cf->key,
                              mmr_world_replica_name (w, cf->replica), t, d);
    }
}

char *
mmr_report_text (MmrRunner *runner, gboolean use_color)
{
  static const Colors plain = { "", "", "", "", "" };
  static const Colors ansi = { "\033[32m", "\033[31;1m", "\033[2m", "\033[1m",
                               "\033[0m" };
  const Colors *c = use_color ? &ansi : &plain;
  MmrWorld *w = mmr_runner_get_world (runner);
  const MmrWorldConfig *cfg = mmr_world_get_config (w);
  const MmrScript *script = mmr_runner_get_script (runner);
  g_autoptr (GPtrArray) diffs = mmr_check_convergence (w);
  g_autoptr (GPtrArray) lost = mmr_write_log_dup_lost (
      mmr_runner_get_write_log (runner));
  GPtrArray *ex = mmr_runner_get_expectations (runner);
  g_autofree char *now = mmr_duration_format (mmr_world_now (w));
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "%s%s%s: seed %" G_GUINT64_FORMAT ", %u replicas, "
                          "strategy %s%s%s, clock %s, granularity %s, "
                          "causality %s\n",
                          c->bold, script->filename, c->off,
                          mmr_runner_get_seed (runner), mmr_world_n_replicas (w),
                          strategy_names[cfg->strategy],
                          cfg->strategy == MMR_STRATEGY_MERGE ? " " : "",
                          cfg->strategy == MMR_STRATEGY_MERGE ? cfg->merge : "",
                          clock_names[cfg->clock],
                          granularity_names[cfg->granularity],
                          causality_names[cfg->causality]);
  g_string_append_printf (s, "ran %s of virtual time, %" G_GUINT64_FORMAT
                          " events\n\n", now, mmr_world_n_events (w));
  text_replicas (s, w, c);
  if (diffs->len == 0)
    g_string_append_printf (s, "\n%sconverged%s: every replica shows the same "
                            "state\n", c->ok, c->off);
  else
    {
      g_string_append_printf (s, "\n%sdiverged%s: %u keys differ\n", c->bad,
                              c->off, diffs->len);
      for (guint i = 0; i < diffs->len; i++)
        g_string_append_printf (s, "  %s\n", (const char *) diffs->pdata[i]);
    }
  text_conflicts (s, w, "conflicts",
                  mmr_conflict_log_get (mmr_runner_get_conflict_log (runner)),
                  TRUE);
  /* Only when there are some: most runs have none, and their reports
   * read as before. */
  text_conflicts (s, w, "rejected newer writes",
                  mmr_conflict_log_get_rejected (
                      mmr_runner_get_conflict_log (runner)),
                  FALSE);
  g_string_append_printf (s, "lost writes: %u\n", lost->len);
  for (guint i = 0; i < lost->len; i++)
    {
      const MmrLostWrite *lw = lost->pdata[i];
      g_autofree char *t = mmr_duration_format (lw->time_us);

      g_string_append_printf (s, "  %s %s %s %s  (acknowledged at %s, "
                              "discarded unseen)\n",
                              mmr_world_replica_name (w, lw->replica),
                              lw->value != NULL ? "put" : "del", lw->key,
                              lw->value != NULL ? lw->value : "", t);
    }
  text_metrics (s, runner);
  if (ex->len > 0)
    g_string_append (s, "\nexpectations:\n");
  for (guint i = 0; i < ex->len; i++)
    {
      const MmrExpectation *e = ex->pdata[i];

      g_string_append_printf (s, "  %s%-4s%s line %-3u %s", e->ok ? c->ok : c->bad,
                              e->ok ? "ok" : "FAIL", c->off, e->line, e->text);
      if (!e->ok)
        g_string_append_printf (s, "   -- found: %s", e->message);
      g_string_append_c (s, '\n');
    }
  if (ex->len > 0)
    g_string_append_printf (s, "%u of %u expectations hold\n",
                            ex->len - mmr_runner_n_failed (runner), ex->len);
  {
    GArray *uns = mmr_runner_get_unsettled (runner);

    for (guint i = 0; i < uns->len; i++)
      g_string_append_printf (s, "warning: 'settle' on line %u reached its "
                              "limit before the replicas were quiescent\n",
                              g_array_index (uns, guint, i));
  }
  return g_string_free (s, FALSE);
}
