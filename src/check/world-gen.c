/* world-gen.c - a random world from one seed, as a scenario a student can read
 *
 * The concept: property-based testing of the whole engine needs worlds
 * nobody wrote by hand, and a failure is only useful if a person can open
 * it. So the generator does not build worlds through the API: it writes
 * scenario text (docs/scenario-language.md), which the ordinary parser
 * reads. The text is the reproduction.
 *
 * A world is: 2 to 5 replicas; a header of settings (strategy, clock,
 * granularity, causality, latency range, loss, duplication, reordering,
 * anti-entropy interval and mode, durability); CRDT keys and clients; then
 * 10 to 40 steps drawn from writes and deletes, client reads and writes
 * with their context, CRDT operations, partitions, one-way cuts and heals,
 * skew and drift, crashes and restarts, mid-run setting changes and short
 * runs; then every crashed replica restarts, anti-entropy is on, and the
 * world ends in "heal" + "settle", where convergence is owed.
 *
 * Interface (world-gen.h): mmr_world_gen_scenario.
 *
 * Invariants: the text always parses; every value written is distinct (a
 * reused dot cannot hide behind an equal value); every setting line comes
 * before the first "type" or "client" (a header line after them changes
 * meaning, issue 10 defect 4); work is small (loss at most 0.3, runs at
 * most 300 ms), so a run that hits a run limit is a generator bug.
 *
 * Taught in docs/checking.md ("Random worlds").
 */
#include "check/world-gen.h"

#include "core/prng.h"

static const char *const strategies[] = {
  "lww", "siblings", "merge set-union", "merge max", "merge min",
  "merge sorted-concat",
};
static const char *const clocks[] = { "physical", "lamport", "hlc" };
static const char *const causalities[] = { "vv", "dvv", "history" };
static const char *const ae_modes[] = { "digest", "merkle", "full" };
static const char *const crdt_types[] = {
  "gcounter", "pncounter", "gset", "2pset", "orset", "lwwreg", "mvreg",
  "ormap",
};

#define N_KEYS 3
#define N_ELEMENTS 3

typedef struct {
  MmrPrng *prng;
  GString *out;
  guint n;                       /* replicas */
  gboolean fields;               /* write key.field */
  gboolean down[5];
  guint n_crdts;
  guint crdt_type[3];            /* index into crdt_types */
  guint n_clients;
  guint next_value;
  gboolean fixed_strategy;       /* no mid-run strategy changes */
  guint clock;                   /* the header's, index into clocks */
} Gen;

static const char *
name_of (guint r)
{
  static const char *const names[] = { "A", "B", "C", "D", "E" };

  return names[r];
}

static guint
pick (Gen *g, guint n)
{
  return (guint) mmr_prng_range (g->prng, 0, (gint64) n - 1);
}

static void
add (Gen *g, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
add (Gen *g, const char *format, ...)
{
  va_list ap;

  va_start (ap, format);
  g_string_append_vprintf (g->out, format, ap);
  va_end (ap);
  g_string_append_c (g->out, '\n');
}

static char *
register_key (Gen *g)
{
  guint k = pick (g, N_KEYS);

  if (g->fields && mmr_prng_chance (g->prng, 0.5))
    return g_strdup_printf ("k%u.%c", k, "ab"[pick (g, 2)]);
  return g_strdup_printf ("k%u", k);
}

static void
gen_header (Gen *g, guint64 seed, const MmrWorldGenOptions *o)
{
  gint64 lo = mmr_prng_range (g->prng, 1, 20);

  add (g, "# mmr check --random: the world of seed %" G_GUINT64_FORMAT
       " (docs/checking.md)", seed);
  g_string_append (g->out, "replicas");
  for (guint r = 0; r < g->n; r++)
    g_string_append_printf (g->out, " %s", name_of (r));
  g_string_append_c (g->out, '\n');
  add (g, "seed %" G_GUINT64_FORMAT, seed);
  g->fields = mmr_prng_chance (g->prng, 0.5);
  add (g, "granularity %s", g->fields ? "field" : "record");
  if (o->fixed_strategy)
    add (g, "strategy %s", o->strategy == MMR_STRATEGY_LWW ? "lww"
         : o->strategy == MMR_STRATEGY_SIBLINGS ? "siblings"
         : "merge set-union");
  else
    add (g, "strategy %s", strategies[pick (g, G_N_ELEMENTS (strategies))]);
  g->clock = pick (g, G_N_ELEMENTS (clocks));
  add (g, "clock %s", clocks[g->clock]);
  add (g, "causality %s", causalities[pick (g, G_N_ELEMENTS (causalities))]);
  add (g, "latency %" G_GINT64_FORMAT "ms..%" G_GINT64_FORMAT "ms", lo,
       lo + mmr_prng_range (g->prng, 0, 40));
  add (g, "loss %.2f", mmr_prng_chance (g->prng, 0.5)
       ? mmr_prng_range (g->prng, 1, 30) / 100.0 : 0.0);
  add (g, "duplicate %.2f", mmr_prng_chance (g->prng, 0.4)
       ? mmr_prng_range (g->prng, 1, 20) / 100.0 : 0.0);
  add (g, "reorder %s", mmr_prng_chance (g->prng, 0.5) ? "on" : "off");
  if (mmr_prng_chance (g->prng, 0.8))
    add (g, "antientropy %" G_GINT64_FORMAT "ms",
         mmr_prng_range (g->prng, 20, 200));
  else
    add (g, "antientropy off");
  add (g, "antientropy %s", ae_modes[pick (g, G_N_ELEMENTS (ae_modes))]);
  switch (pick (g, 3))
    {
    case 0: break;
    case 1: add (g, "durability sync"); break;
    default: add (g, "durability async"); break;
    }
}

/* CRDT keys and clients come after every setting line. */
static void
gen_declarations (Gen *g)
{
  g->n_crdts = pick (g, 3);
  for (guint i = 0; i < g->n_crdts; i++)
    {
      g->crdt_type[i] = pick (g, G_N_ELEMENTS (crdt_types));
      add (g, "type t%u %s", i, crdt_types[g->crdt_type[i]]);
    }
  g->n_clients = pick (g, 3);
  for (guint i = 0; i < g->n_clients; i++)
    add (g, "client c%u at %s", i, name_of (pick (g, g->n)));
}

static void
gen_crdt_op (Gen *g, guint r)
{
  guint t = pick (g, g->n_crdts);
  const char *type = crdt_types[g->crdt_type[t]];
  guint e = pick (g, N_ELEMENTS);

  if (g_str_has_suffix (type, "counter"))
    add (g, "%s %s t%u %u", name_of (r),
         type[0] == 'p' && mmr_prng_chance (g->prng, 0.4) ? "decr" : "incr",
         t, (guint) mmr_prng_range (g->prng, 1, 5));
  else if (g_str_has_suffix (type, "set"))
    add (g, "%s %s t%u e%u", name_of (r),
         type[0] != 'g' && mmr_prng_chance (g->prng, 0.4) ? "rem" : "add", t,
         e);
  else if (g_str_has_suffix (type, "reg"))
    add (g, "%s set t%u v%u", name_of (r), t, g->next_value++);
  else
    switch (pick (g, 3))
      {
      case 0: add (g, "%s incr t%u visits=%u", name_of (r), t, e + 1); break;
      case 1: add (g, "%s set t%u name=v%u", name_of (r), t, g->next_value++);
        break;
      default: add (g, "%s add t%u tags=e%u", name_of (r), t, e); break;
      }
}

static void
gen_write (Gen *g)
{
  guint r = pick (g, g->n);
  g_autofree char *key = register_key (g);

  if (g->n_crdts > 0 && mmr_prng_chance (g->prng, 0.3))
    gen_crdt_op (g, r);
  else if (g->n_clients > 0 && mmr_prng_chance (g->prng, 0.3))
    {
      guint c = pick (g, g->n_clients);

      switch (pick (g, 4))
        {
        case 0:
        case 1: add (g, "c%u get %s", c, key); break;
        case 2: add (g, "c%u put %s v%u", c, key, g->next_value++); break;
        default: add (g, "c%u del %s", c, key); break;
        }
    }
  else if (mmr_prng_chance (g->prng, 0.15))
    add (g, "%s del %s", name_of (r), key);
  else
    add (g, "%s put %s v%u", name_of (r), key, g->next_value++);
}

static void
gen_fault (Gen *g)
{
  guint a = pick (g, g->n), b = (a + 1 + pick (g, g->n - 1)) % g->n;

  switch (pick (g, 6))
    {
    case 0:
      {
        guint split = 1 + pick (g, g->n - 1);

        g_string_append (g->out, "partition");
        for (guint r = 0; r < g->n; r++)
          g_string_append_printf (g->out, "%s %s", r == split ? " |" : "",
                                  name_of (r));
        g_string_append_c (g->out, '\n');
      }
      break;
    case 1: add (g, "cut %s->%s", name_of (a), name_of (b)); break;
    case 2: add (g, "heal %s<->%s", name_of (a), name_of (b)); break;
    case 3: add (g, "heal"); break;
    case 4:
      add (g, "skew %s %c%" G_GINT64_FORMAT "ms", name_of (a),
           mmr_prng_chance (g->prng, 0.5) ? '+' : '-',
           mmr_prng_range (g->prng, 0, 3000));
      break;
    default:
      add (g, "drift %s %" G_GINT64_FORMAT "ppm", name_of (a),
           mmr_prng_range (g->prng, -500, 500));
      break;
    }
}

/* A clock for a mid-run switch: the parser refuses a switch to or from
 * lamport after the header (docs/scenario-language.md), so one that
 * would be is the header's clock instead. Draws as before. */
static const char *
mid_run_clock (Gen *g)
{
  guint c = pick (g, G_N_ELEMENTS (clocks));

  if ((c == 1) != (g->clock == 1))
    c = g->clock;
  return clocks[c];
}

static void
gen_setting (Gen *g)
{
  switch (pick (g, 7))
    {
    case 0:
      if (g->fixed_strategy)
        add (g, "clock %s", mid_run_clock (g));
      else
        add (g, "strategy %s",
             strategies[pick (g, G_N_ELEMENTS (strategies))]);
      break;
    case 1: add (g, "clock %s", mid_run_clock (g)); break;
    case 2: add (g, "causality %s", causalities[pick (g, 3)]); break;
    case 3: add (g, "loss %.2f", mmr_prng_range (g->prng, 0, 30) / 100.0);
      break;
    case 4: add (g, "reorder %s", mmr_prng_chance (g->prng, 0.5) ? "on" : "off");
      break;
    case 5:
      if (mmr_prng_chance (g->prng, 0.3))
        add (g, "antientropy off");
      else
        add (g, "antientropy %" G_GINT64_FORMAT "ms",
             mmr_prng_range (g->prng, 20, 200));
      break;
    default: add (g, "antientropy %s", ae_modes[pick (g, 3)]); break;
    }
}

static void
gen_crash (Gen *g)
{
  guint r = pick (g, g->n);

  if (g->down[r])
    add (g, "restart %s", name_of (r));
  else
    add (g, "crash %s", name_of (r));
  g->down[r] = !g->down[r];
}

static void
gen_steps (Gen *g)
{
  guint n_steps = (guint) mmr_prng_range (g->prng, 10, 40);

  for (guint i = 0; i < n_steps; i++)
    {
      double x = mmr_prng_double (g->prng);

      if (x < 0.45)
        gen_write (g);
      else if (x < 0.60)
        add (g, "run %" G_GINT64_FORMAT "ms", mmr_prng_range (g->prng, 1, 300));
      else if (x < 0.75)
        gen_fault (g);
      else if (x < 0.85)
        gen_crash (g);
      else
        gen_setting (g);
    }
}

void
mmr_world_gen_options_init (MmrWorldGenOptions *o)
{
  o->min_replicas = 2;
  o->max_replicas = 5;
  o->fixed_strategy = FALSE;
  o->strategy = MMR_STRATEGY_LWW;
}

char *
mmr_world_gen_scenario (guint64 seed, const MmrWorldGenOptions *o)
{
  Gen g = { 0 };

  g_return_val_if_fail (o->min_replicas >= 2 && o->max_replicas <= 5
                        && o->min_replicas <= o->max_replicas, NULL);
  g.prng = mmr_prng_new (seed);
  g.out = g_string_new (NULL);
  g.n = (guint) mmr_prng_range (g.prng, o->min_replicas, o->max_replicas);
  gen_header (&g, seed, o);
  gen_declarations (&g);
  g.fixed_strategy = o->fixed_strategy;
  gen_steps (&g);
  for (guint r = 0; r < g.n; r++)
    if (g.down[r])
      add (&g, "restart %s", name_of (r));
  add (&g, "antientropy %" G_GINT64_FORMAT "ms",
       mmr_prng_range (g.prng, 20, 200));
  add (&g, "heal");
  add (&g, "settle");
  mmr_prng_free (g.prng);
  return g_string_free (g.out, FALSE);
}
