/* cmd-check.c - "mmr check": seeded fault campaigns with invariants
 *
 *   mmr check FILE [--seeds N] [--from S] [--shard I/N] [--json] [--out DIR]
 *   mmr check --random [--seeds N] [--from S] [--replicas 2..5]
 *             [--strategy lww|siblings|merge] [--shard I/N] [--json]
 *             [--out DIR]
 *
 * Runs a scenario (or a generated world per seed) under seeds S .. S+N-1,
 * or this shard's share of them, with every invariant of
 * src/check/invariants.h on. Each violation prints the seed, the
 * invariant, the first event where it broke, and writes a shrunk
 * reproduction with its seed line to DIR (default ./mmr-check-failures/),
 * never over a file that is not one of ours. Exit 0: every invariant held;
 * 1: one broke (or a run hit a run limit: for --random a generator bug;
 * reported apart, with the limit's message); 2: bad input, nothing written.
 *
 * The wall clock is read here, for the rate on the progress line and the
 * summary only; the runs themselves never see it.
 *
 * Taught in docs/checking.md.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "check/campaign.h"
#include "check/shrink.h"
#include "check/world-gen.h"
#include "cli/cli.h"
#include "store/part-file.h"

#define OUR_MARK "# mmr check:"
#define SHRINK_MAX_RUNS 400

typedef struct {
  char *seeds;
  char *from;
  char *shard;
  char *replicas;
  char *strategy;
  char *out;
  gboolean random;
  gboolean json;
  char **files;
} CheckOptions;

typedef struct {
  const CheckOptions *o;
  MmrWorldGenOptions gen;
  MmrScript *script;          /* FILE mode */
  char *text;                 /* FILE mode: the file's text */
  guint64 from, count;
  guint shard_index, n_shards;
  guint64 done;
  guint64 n_violations;
  guint64 n_limits;
  JsonBuilder *json;          /* the violations array, when --json */
  gint64 started_us;
  gboolean tty;
} Campaign;

static gboolean
parse_u64 (const char *text, guint64 *out)
{
  char *end = NULL;

  if (text == NULL || !g_ascii_isdigit (*text))
    return FALSE;
  errno = 0;
  *out = g_ascii_strtoull (text, &end, 10);
  return errno == 0 && *end == '\0';
}

static gboolean
parse_replicas (const char *text, MmrWorldGenOptions *gen)
{
  g_auto (GStrv) parts = g_strsplit (text, "..", 2);
  guint64 lo, hi;

  if (!parse_u64 (parts[0], &lo))
    return FALSE;
  hi = lo;
  if (parts[1] != NULL && !parse_u64 (parts[1], &hi))
    return FALSE;
  if (lo < 2 || hi > 5 || lo > hi)
    return FALSE;
  gen->min_replicas = (guint) lo;
  gen->max_replicas = (guint) hi;
  return TRUE;
}

/* ---- writing a reproduction ---- */

/* A file we may replace: absent, or one mmr check wrote (first line). */
static gboolean
is_ours_or_absent (const char *path)
{
  g_autofree char *text = NULL;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR)
      || !g_file_get_contents (path, &text, NULL, NULL))
    return FALSE;
  return g_str_has_prefix (text, OUR_MARK);
}

/* DIR/INVARIANT-seedS.mmr, or -2, -3 ... when a foreign file has the name. */
static char *
failure_path (const char *dir, const char *invariant, guint64 seed)
{
  for (guint k = 1; k < 1000; k++)
    {
      g_autofree char *base = k == 1
          ? g_strdup_printf ("%s-seed%" G_GUINT64_FORMAT ".mmr", invariant, seed)
          : g_strdup_printf ("%s-seed%" G_GUINT64_FORMAT "-%u.mmr", invariant,
                             seed, k);
      char *path = g_build_filename (dir, base, NULL);

      if (is_ours_or_absent (path))
        return path;
      g_free (path);
    }
  return NULL;
}

static char *
write_failure (Campaign *c, const MmrViolation *v, guint64 seed,
               const char *shrunk, GError **error)
{
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;

  if (g_mkdir_with_parents (c->o->out, 0755) != 0)
    {
      int e = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e),
                   "%s: cannot create the directory: %s", c->o->out,
                   g_strerror (e));
      return NULL;
    }
  path = failure_path (c->o->out, v->invariant, seed);
  if (path == NULL)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_EXIST,
                   "%s: no free name for the reproduction", c->o->out);
      return NULL;
    }
  {
    /* Say what the shrunk file itself shows, which may differ in detail. */
    g_autoptr (MmrCheckRun) again = mmr_check_run_text ("shrunk.mmr", shrunk,
                                                        seed, 0, NULL);
    const MmrViolation *sv = again != NULL
        ? mmr_check_run_find (again, v->invariant) : NULL;

    body = g_strdup_printf ("%s %s broken with seed %" G_GUINT64_FORMAT
                            " (shrunk; docs/checking.md)\n# %s\n%s",
                            OUR_MARK, v->invariant, seed,
                            sv != NULL ? sv->message : v->message, shrunk);
  }
  for (char *p = body; *p != '\0'; p++)
    if (*p == '\r')
      *p = ' ';
  if (!g_file_set_contents (path, body, -1, error))
    return NULL;
  return g_steal_pointer (&path);
}

/* ---- one seed ---- */

static char *
seed_text (Campaign *c, guint64 seed)
{
  if (c->o->random)
    return mmr_world_gen_scenario (seed, &c->gen);
  return mmr_shrink_set_seed (c->text, seed);
}

static void
report_violation (Campaign *c, guint64 seed, const char *text,
                  const MmrViolation *v)
{
  g_autoptr (GError) error = NULL;
  guint runs = 0;
  g_autofree char *shrunk = mmr_shrink_scenario (text, seed, v->invariant,
                                                 SHRINK_MAX_RUNS, &runs);
  g_autofree char *path = write_failure (c, v, seed, shrunk, &error);
  g_autofree char *t = g_strdup_printf ("%" G_GINT64_FORMAT ".%06" G_GINT64_FORMAT
                                        "s", v->time_us / G_USEC_PER_SEC,
                                        v->time_us % G_USEC_PER_SEC);

  c->n_violations++;
  if (c->json != NULL)
    {
      JsonBuilder *b = c->json;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "seed");
      json_builder_add_int_value (b, (gint64) seed);
      json_builder_set_member_name (b, "invariant");
      json_builder_add_string_value (b, v->invariant);
      json_builder_set_member_name (b, "event");
      json_builder_add_int_value (b, (gint64) v->seq);
      json_builder_set_member_name (b, "time_us");
      json_builder_add_int_value (b, v->time_us);
      json_builder_set_member_name (b, "message");
      json_builder_add_string_value (b, v->message);
      json_builder_set_member_name (b, "file");
      if (path != NULL)
        json_builder_add_string_value (b, path);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "shrink_runs");
      json_builder_add_int_value (b, runs);
      json_builder_end_object (b);
    }
  else
    {
      if (c->tty)
        fprintf (stderr, "\r%70s\r", "");
      printf ("violation: %s  seed %" G_GUINT64_FORMAT "  event %"
              G_GUINT64_FORMAT " at %s\n  %s\n", v->invariant, seed, v->seq,
              t, v->message);
      if (path != NULL)
        printf ("  shrunk (%u runs) to %s\n  reproduce: mmr run %s\n"
                "  open:      mmr-inspector %s\n", runs, path, path, path);
    }
  if (error != NULL)
    fprintf (stderr, "mmr check: %s\n", error->message);
}

static void
report_limit (Campaign *c, guint64 seed, const char *message)
{
  c->n_limits++;
  if (c->json != NULL)
    {
      json_builder_begin_object (c->json);
      json_builder_set_member_name (c->json, "seed");
      json_builder_add_int_value (c->json, (gint64) seed);
      json_builder_set_member_name (c->json, "invariant");
      json_builder_add_string_value (c->json, "run-limit");
      json_builder_set_member_name (c->json, "message");
      json_builder_add_string_value (c->json, message);
      json_builder_end_object (c->json);
      return;
    }
  printf ("run limit: seed %" G_GUINT64_FORMAT " (not judged; %s: %s)\n",
          seed, c->o->random ? "a generator bug, the world is too big"
                             : "the scenario asks for too much work",
          message);
}

/* FALSE on bad input (the scenario does not parse, or databases fail). */
static gboolean
check_seed (Campaign *c, guint64 seed, GError **error)
{
  g_autofree char *text = seed_text (c, seed);
  g_autoptr (MmrCheckRun) run = c->o->random
      ? mmr_check_run_text ("random.mmr", text, seed, 0, error)
      : mmr_check_run_script (c->script, seed, 0, error);

  if (run == NULL)
    return FALSE;
  if (run->hit_limit)
    report_limit (c, seed, run->limit_message);
  for (guint i = 0; i < run->violations->len; i++)
    report_violation (c, seed, text, run->violations->pdata[i]);
  return TRUE;
}

static void
show_progress (Campaign *c, guint64 total)
{
  double secs = (g_get_monotonic_time () - c->started_us) / 1e6;

  if (!c->tty)
    return;
  fprintf (stderr, "\r  %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT
           " seeds, %.0f/s, %" G_GUINT64_FORMAT " violations ", c->done,
           total, secs > 0 ? c->done / secs : 0.0, c->n_violations);
}

/* ---- the campaign ---- */

static void
print_summary (Campaign *c, guint64 total)
{
  double secs = (g_get_monotonic_time () - c->started_us) / 1e6;

  if (c->json == NULL)
    {
      if (c->tty)
        fprintf (stderr, "\r%70s\r", "");
      printf ("checked %" G_GUINT64_FORMAT " seeds (%" G_GUINT64_FORMAT "..%"
              G_GUINT64_FORMAT ", shard %u/%u) in %.1f s: %" G_GUINT64_FORMAT
              " violations, %" G_GUINT64_FORMAT " runs hit a run limit\n",
              total, c->from, c->from + c->count - 1, c->shard_index,
              c->n_shards, secs, c->n_violations, c->n_limits);
      return;
    }
  {
    JsonBuilder *b = c->json;
    g_autoptr (JsonGenerator) gen = json_generator_new ();
    g_autoptr (JsonNode) root = NULL;
    g_autofree char *s = NULL;

    json_builder_end_array (b);
    json_builder_set_member_name (b, "mode");
    json_builder_add_string_value (b, c->o->random ? "random" : "file");
    json_builder_set_member_name (b, "from");
    json_builder_add_int_value (b, (gint64) c->from);
    json_builder_set_member_name (b, "count");
    json_builder_add_int_value (b, (gint64) c->count);
    json_builder_set_member_name (b, "shard");
    json_builder_add_string_value (b, c->o->shard != NULL ? c->o->shard : "1/1");
    json_builder_set_member_name (b, "seeds_checked");
    json_builder_add_int_value (b, (gint64) total);
    json_builder_set_member_name (b, "n_violations");
    json_builder_add_int_value (b, (gint64) c->n_violations);
    json_builder_set_member_name (b, "run_limit_hits");
    json_builder_add_int_value (b, (gint64) c->n_limits);
    json_builder_set_member_name (b, "seconds");
    json_builder_add_double_value (b, secs);
    json_builder_end_object (b);
    root = json_builder_get_root (b);
    json_generator_set_root (gen, root);
    json_generator_set_pretty (gen, TRUE);
    s = json_generator_to_data (gen, NULL);
    printf ("%s\n", s);
  }
}

static int
run_campaign (Campaign *c)
{
  guint64 total = mmr_check_shard_seeds (c->from, c->count, c->shard_index,
                                         c->n_shards, NULL, 0);

  c->started_us = g_get_monotonic_time ();
  c->tty = isatty (STDERR_FILENO) && !c->o->json;
  if (c->o->json)
    {
      c->json = json_builder_new ();
      json_builder_begin_object (c->json);
      json_builder_set_member_name (c->json, "violations");
      json_builder_begin_array (c->json);
    }
  for (guint64 k = 0; k < total; k++)
    {
      guint64 seed = c->from + (c->shard_index - 1) + k * c->n_shards;
      g_autoptr (GError) error = NULL;

      if (!check_seed (c, seed, &error))
        {
          if (c->tty)
            fprintf (stderr, "\n");
          fprintf (stderr, "mmr check: seed %" G_GUINT64_FORMAT ": %s\n", seed,
                   error->message);
          g_clear_object (&c->json);
          return MMR_EXIT_USAGE;
        }
      c->done++;
      if ((c->done & 7) == 0 || c->done == total)
        show_progress (c, total);
    }
  print_summary (c, total);
  g_clear_object (&c->json);
  return c->n_violations > 0 || c->n_limits > 0 ? MMR_EXIT_FAILED
                                                 : MMR_EXIT_OK;
}

/* ---- options ---- */

static int
usage (const char *message)
{
  return mmr_cli_usage_error ("check", message);
}

static int
prepare (CheckOptions *o, Campaign *c)
{
  g_autoptr (GError) error = NULL;

  c->o = o;
  c->count = 200;
  c->shard_index = c->n_shards = 1;
  mmr_world_gen_options_init (&c->gen);
  if (o->random && o->files != NULL && o->files[0] != NULL)
    return usage ("give a scenario FILE or --random, not both");
  if (!o->random && (o->files == NULL || o->files[0] == NULL))
    return usage ("no scenario file given (or --random for generated worlds)");
  if (o->files != NULL && o->files[1] != NULL)
    return usage ("give exactly one scenario file");
  if (o->seeds != NULL && (!parse_u64 (o->seeds, &c->count) || c->count == 0))
    return usage ("--seeds expects a whole number >= 1");
  if (o->from != NULL && !parse_u64 (o->from, &c->from))
    return usage ("--from expects a non-negative integer");
  if (c->from + c->count < c->from)
    return usage ("--from + --seeds is past the largest seed");
  if (o->shard != NULL
      && !mmr_check_parse_shard (o->shard, &c->shard_index, &c->n_shards,
                                 &error))
    return usage (error->message);
  if (o->replicas != NULL && !parse_replicas (o->replicas, &c->gen))
    return usage ("--replicas expects N or LO..HI between 2 and 5");
  if (o->strategy != NULL)
    {
      c->gen.fixed_strategy = TRUE;
      if (strcmp (o->strategy, "lww") == 0)
        c->gen.strategy = MMR_STRATEGY_LWW;
      else if (strcmp (o->strategy, "siblings") == 0)
        c->gen.strategy = MMR_STRATEGY_SIBLINGS;
      else if (strcmp (o->strategy, "merge") == 0)
        c->gen.strategy = MMR_STRATEGY_MERGE;
      else
        return usage ("--strategy expects lww, siblings or merge");
    }
  if ((o->replicas != NULL || o->strategy != NULL) && !o->random)
    return usage ("--replicas and --strategy go with --random");
  if (o->out == NULL)
    o->out = g_strdup ("mmr-check-failures");
  if (g_file_test (o->out, G_FILE_TEST_EXISTS)
      && !g_file_test (o->out, G_FILE_TEST_IS_DIR))
    {
      g_autofree char *m = g_strdup_printf (
          "--out %s exists and is not a directory", o->out);
      return usage (m);
    }
  if (!o->random)
    {
      gsize len;

      if (!g_file_get_contents (o->files[0], &c->text, &len, &error))
        {
          fprintf (stderr, "%s: cannot read: %s\n", o->files[0],
                   error->message);
          return MMR_EXIT_USAGE;
        }
      c->script = mmr_script_parse (o->files[0], c->text, &error);
      if (c->script == NULL)
        {
          fprintf (stderr, "%s\n", error->message);
          return MMR_EXIT_USAGE;
        }
    }
  return -1;
}

int
mmr_cmd_check (int argc, char **argv)
{
  CheckOptions o = { 0 };
  Campaign c = { 0 };
  GOptionEntry entries[] = {
    { "random", 0, 0, G_OPTION_ARG_NONE, &o.random,
      "Check generated worlds, one per seed, instead of a FILE", NULL },
    { "seeds", 'n', 0, G_OPTION_ARG_STRING, &o.seeds,
      "How many seeds (default 200)", "N" },
    { "from", 0, 0, G_OPTION_ARG_STRING, &o.from,
      "The first seed (default 0)", "S" },
    { "shard", 0, 0, G_OPTION_ARG_STRING, &o.shard,
      "Only shard I of N: the seeds s with (s - S) mod N = I - 1", "I/N" },
    { "replicas", 0, 0, G_OPTION_ARG_STRING, &o.replicas,
      "--random: replicas per world (default 2..5)", "LO..HI" },
    { "strategy", 0, 0, G_OPTION_ARG_STRING, &o.strategy,
      "--random: every world uses this strategy, never switched",
      "lww|siblings|merge" },
    { "json", 'j', 0, G_OPTION_ARG_NONE, &o.json,
      "Print one JSON document instead of the report", NULL },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &o.out,
      "Write shrunk reproductions to DIR (default ./mmr-check-failures)",
      "DIR" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o.files, NULL,
      "[FILE]" },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new (
      "- check invariants under many seeds");
  g_autoptr (GError) error = NULL;
  int rc;

  g_option_context_set_summary (ctx,
      "Runs the scenario FILE, or with --random a generated world, under\n"
      "many seeds with every invariant on: convergence, unique-dot,\n"
      "no-lost-write, lost-writes-report, crdt-spec, vector-clock,\n"
      "version-vector, hlc (docs/checking.md). A violation prints the seed,\n"
      "the invariant and the first event where it broke, and writes a\n"
      "shrunk scenario that reproduces it with 'mmr run'.");
  g_option_context_set_description (ctx,
      "Exit status: 0 every invariant held, 1 one broke (or a run hit a run\n"
      "limit), 2 bad input.\n"
      "Examples: mmr check --random --seeds 1000 --shard 2/4\n"
      "          mmr check docs/examples/demo.mmr --seeds 500 --json");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_set_prgname ("mmr check");
  mmr_part_file_install_cleanup ();
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    rc = usage (error->message);
  else if ((rc = prepare (&o, &c)) < 0)
    rc = run_campaign (&c);
  g_clear_pointer (&c.script, mmr_script_free);
  g_free (c.text);
  g_free (o.seeds);
  g_free (o.from);
  g_free (o.shard);
  g_free (o.replicas);
  g_free (o.strategy);
  g_free (o.out);
  g_strfreev (o.files);
  return rc;
}
