/* runner.c - executing a scenario (see runner.h)
 *
 * State machine: IDLE -> (run/settle) -> RUNNING -> IDLE ... -> DONE.
 * While RUNNING the runner steps the world one event at a time until the
 * target time (run) or quiescence (settle) is reached.
 *
 * Run limits (MmrRunLimits): before each world event the runner checks
 * the events processed and the time of the next event; after each step,
 * the messages in flight. The first limit hit sets the runner's error and
 * ends the run (DONE), so a tiny file cannot ask for hours of work or
 * gigabytes of messages. The checks read counters the world keeps anyway:
 * they cost nothing on the hot path. The CLI options that set them are
 * documented in docs/scenario-language.md (run limits).
 */
#include "scenario/runner.h"

#include <string.h>

#include "core/duration.h"
#include "sim/view.h"

G_DEFINE_QUARK (mmr-runner-error-quark, mmr_runner_error)

typedef enum { RUNNER_IDLE, RUNNER_RUNNING, RUNNER_SETTLING, RUNNER_DONE } RunnerState;

/* A named client: the replica it talks to and, per key it read, the
 * context of its last read (the Dynamo/Riak read-modify-write model). */
typedef struct {
  guint replica;
  GHashTable *contexts;     /* entry name -> MmrVersionVector* */
} Client;

static void
client_free (Client *c)
{
  g_hash_table_unref (c->contexts);
  g_free (c);
}

struct _MmrRunner {
  const MmrScript *script;
  MmrWorld *world;
  MmrWriteLog *writes;
  MmrConflictLog *conflicts;
  MmrConvergenceWatch *convergence;
  guint64 seed;
  guint pc;                 /* next command */
  RunnerState state;
  gint64 target_us;         /* RUNNING: run until; SETTLING: give up at */
  guint settle_line;
  GPtrArray *expectations;  /* MmrExpectation*, owned */
  GArray *unsettled;        /* guint lines */
  guint n_failed;
  GHashTable *clients;      /* name -> Client* */
  MmrRunLimits limits;
  GError *error;            /* the limit that stopped the run, or NULL */
  guint line;               /* of the command executed last */
  guint64 n_steps;          /* world steps taken by runs and settles */
};

static void
expectation_free (MmrExpectation *e)
{
  g_free (e->text);
  g_free (e->message);
  g_free (e);
}

MmrRunner *
mmr_runner_new (const MmrScript *script, gboolean use_override,
                guint64 seed_override)
{
  g_autoptr (GError) error = NULL;
  MmrRunner *r = mmr_runner_new_full (script, use_override, seed_override,
                                      NULL, &error);

  g_assert_no_error (error);   /* without databases nothing can fail */
  return r;
}

MmrRunner *
mmr_runner_new_full (const MmrScript *script, gboolean use_override,
                     guint64 seed_override, const char *data_dir,
                     GError **error)
{
  MmrRunner *r;
  MmrWorldConfig cfg = script->config;
  MmrWorld *world;

  cfg.seed = use_override ? seed_override : script->config.seed;
  cfg.data_dir = (char *) data_dir;
  world = mmr_world_new_full (&cfg, error);
  if (world == NULL)
    return NULL;
  r = g_new0 (MmrRunner, 1);
  r->script = script;
  r->seed = cfg.seed;
  r->world = world;
  r->writes = mmr_write_log_new (r->world);
  r->conflicts = mmr_conflict_log_new (r->world);
  r->convergence = mmr_convergence_watch_new (r->world);
  r->expectations = g_ptr_array_new_with_free_func (
      (GDestroyNotify) expectation_free);
  r->unsettled = g_array_new (FALSE, FALSE, sizeof (guint));
  r->clients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) client_free);
  mmr_run_limits_init_default (&r->limits);
  return r;
}

void
mmr_runner_free (MmrRunner *r)
{
  if (r == NULL)
    return;
  mmr_write_log_free (r->writes);
  mmr_conflict_log_free (r->conflicts);
  mmr_convergence_watch_free (r->convergence);
  mmr_world_free (r->world);
  g_ptr_array_unref (r->expectations);
  g_array_unref (r->unsettled);
  g_hash_table_unref (r->clients);
  g_clear_error (&r->error);
  g_free (r);
}

MmrWorld *mmr_runner_get_world (MmrRunner *r) { return r->world; }
const MmrScript *mmr_runner_get_script (MmrRunner *r) { return r->script; }
MmrWriteLog *mmr_runner_get_write_log (MmrRunner *r) { return r->writes; }
MmrConflictLog *mmr_runner_get_conflict_log (MmrRunner *r) { return r->conflicts; }
MmrConvergenceWatch *mmr_runner_get_convergence_watch (MmrRunner *r) { return r->convergence; }
guint64 mmr_runner_get_seed (const MmrRunner *r) { return r->seed; }
GPtrArray *mmr_runner_get_expectations (MmrRunner *r) { return r->expectations; }
guint mmr_runner_n_failed (const MmrRunner *r) { return r->n_failed; }
GArray *mmr_runner_get_unsettled (MmrRunner *r) { return r->unsettled; }
gboolean mmr_runner_is_done (const MmrRunner *r) { return r->state == RUNNER_DONE; }

const MmrCommand *
mmr_runner_current_command (const MmrRunner *r)
{
  if (r->state == RUNNER_DONE)   /* finished, or stopped at a limit */
    return NULL;
  if (r->state == RUNNER_RUNNING || r->state == RUNNER_SETTLING)
    return r->script->commands->pdata[r->pc - 1];
  if (r->pc < r->script->commands->len)
    return r->script->commands->pdata[r->pc];
  return NULL;
}

/* ---- run limits ---- */

void
mmr_runner_set_limits (MmrRunner *r, const MmrRunLimits *limits)
{
  g_return_if_fail (limits != NULL);
  r->limits = *limits;
}

const MmrRunLimits *mmr_runner_get_limits (const MmrRunner *r) { return &r->limits; }
const GError *mmr_runner_get_error (const MmrRunner *r) { return r->error; }

/* Ends the run: DONE, with an error that says where the run was, which
 * limit stopped it and how to raise it. @limit is the limit's value and
 * what it counts ("50000000 events"). */
static void
stop_at_limit (MmrRunner *r, const char *limit, const char *option,
               const char *unit)
{
  g_assert (r->error == NULL);
  r->error = g_error_new (MMR_RUNNER_ERROR, MMR_RUNNER_ERROR_LIMIT,
                          "%s:%u: stopped at the limit of %s; raise it with "
                          "%s %s (0 for no limit)", r->script->filename,
                          r->line, limit, option, unit);
  r->state = RUNNER_DONE;
}

/* DOC: run-limits-check
 * Before a world event at @next_us (or a jump of the clock to @next_us):
 * may it run? FALSE after stopping the run. */
static gboolean
within_limits_before (MmrRunner *r, gint64 next_us, gboolean is_event)
{
  const MmrRunLimits *l = &r->limits;

  /* A step normally emits an event or more; one that emits none (a tick
   * of a crashed replica) is still work, so steps count too. */
  if (is_event && l->max_events > 0
      && MAX (mmr_world_n_events (r->world), r->n_steps) >= l->max_events)
    {
      g_autofree char *what = g_strdup_printf ("%" G_GUINT64_FORMAT
                                               " events", l->max_events);

      stop_at_limit (r, what, "--max-events", "N");
      return FALSE;
    }
  if (l->max_time_us > 0 && next_us > l->max_time_us)
    {
      g_autofree char *d = mmr_duration_format (l->max_time_us);
      g_autofree char *what = g_strdup_printf ("%s of virtual time", d);

      stop_at_limit (r, what, "--max-time", "DURATION");
      return FALSE;
    }
  return TRUE;
}

/* After any step: the messages in flight are within the limit. */
static void
check_in_flight (MmrRunner *r)
{
  const MmrRunLimits *l = &r->limits;

  if (r->error == NULL && l->max_in_flight > 0
      && mmr_world_n_in_flight (r->world) > l->max_in_flight)
    {
      g_autofree char *what = g_strdup_printf ("%" G_GUINT64_FORMAT
                                               " messages in flight",
                                               l->max_in_flight);

      stop_at_limit (r, what, "--max-in-flight", "N");
    }
}

/* ---- expectations ---- */

static void
record (MmrRunner *r, const MmrCommand *c, gboolean ok, char *message)
{
  MmrExpectation *e = g_new0 (MmrExpectation, 1);

  e->line = c->line;
  e->ok = ok;
  e->text = g_strdup (c->text);
  e->message = message;
  if (!ok)
    r->n_failed++;
  g_ptr_array_add (r->expectations, e);
}

static char *
entry_name (const MmrCommand *c)
{
  if (c->field != NULL && *c->field != '\0')
    return g_strconcat (c->key, ".", c->field, NULL);
  return g_strdup (c->key);
}

static gboolean
same_values (GPtrArray *a, GPtrArray *b)
{
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    if (strcmp (a->pdata[i], b->pdata[i]) != 0)
      return FALSE;
  return TRUE;
}

static void
expect_value (MmrRunner *r, const MmrCommand *c)
{
  g_autofree char *name = entry_name (c);
  MmrViewEntry *e = mmr_view_lookup (r->world, (guint) c->replica, name);
  const char *rep = mmr_world_replica_name (r->world, (guint) c->replica);
  g_autofree char *shown = mmr_view_entry_format (e);
  gboolean ok;

  if (c->kind == MMR_CMD_EXPECT_ABSENT)
    ok = e == NULL || e->is_absent;
  else
    ok = e != NULL && !e->is_absent && same_values (e->values, c->values);
  record (r, c, ok, g_strdup_printf ("%s %s is %s", rep, name, shown));
  mmr_view_entry_free (e);
}

static void
expect_converged (MmrRunner *r, const MmrCommand *c)
{
  g_autoptr (GPtrArray) diffs = mmr_check_convergence (r->world);
  gboolean converged = diffs->len == 0;
  char *msg;

  if (converged)
    msg = g_strdup ("all replicas show the same state");
  else
    {
      GString *s = g_string_new ("replicas differ: ");

      for (guint i = 0; i < diffs->len; i++)
        g_string_append_printf (s, "%s%s", i > 0 ? "; " : "",
                                (const char *) diffs->pdata[i]);
      msg = g_string_free (s, FALSE);
    }
  record (r, c, converged == c->flag, msg);
}

static void
expect_count (MmrRunner *r, const MmrCommand *c)
{
  gint64 found;
  const char *what;

  if (c->kind == MMR_CMD_EXPECT_LOST)
    {
      g_autoptr (GPtrArray) lost = mmr_write_log_dup_lost (r->writes);

      found = lost->len;
      what = "lost writes";
    }
  else
    {
      found = (gint64) mmr_world_get_metrics (r->world)->conflicts;
      what = "conflicts";
    }
  record (r, c, found == c->count,
          g_strdup_printf ("%" G_GINT64_FORMAT " %s", found, what));
}

/* Siblings are versions of a register: with granularity record, "user"
 * counts the versions of the whole record, whatever fields they have. */
static void
expect_siblings (MmrRunner *r, const MmrCommand *c)
{
  g_autofree char *name = entry_name (c);
  g_autofree char *reg = mmr_record_register_name (
      mmr_world_get_config (r->world)->granularity, c->key, c->field);
  g_autoptr (GPtrArray) entries = mmr_view_dup_register (
      r->world, (guint) c->replica, reg, TRUE);
  MmrViewEntry *e = entries->len > 0 ? entries->pdata[0] : NULL;
  gint64 found = e != NULL ? e->n_live : 0;

  record (r, c, found == c->count,
          g_strdup_printf ("%s %s has %" G_GINT64_FORMAT " sibling%s",
                           mmr_world_replica_name (r->world,
                                                   (guint) c->replica),
                           name, found, found == 1 ? "" : "s"));
}

/* ---- clients ---- */

static void
client_declare (MmrRunner *r, const MmrCommand *c)
{
  Client *cl = g_new0 (Client, 1);

  cl->replica = (guint) c->replica;
  cl->contexts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        g_free);
  g_hash_table_replace (r->clients, g_strdup (c->client), cl);
}

/* DOC: client-context */
static void
client_act (MmrRunner *r, const MmrCommand *c)
{
  Client *cl = g_hash_table_lookup (r->clients, c->client);
  /* Contexts are kept per register, not per entry name: dots count per
   * register, and under granularity record one register (the record)
   * holds every field, so "get user.name" gives the context that
   * "put user.email" must send back. Under granularity field the register
   * name is the entry name. */
  g_autofree char *name = mmr_record_register_name (
      mmr_world_get_config (r->world)->granularity, c->key,
      c->field != NULL ? c->field : "");
  MmrVersionVector *ctx;

  g_return_if_fail (cl != NULL);
  if (c->kind == MMR_CMD_CLIENT_GET)
    {
      ctx = g_new0 (MmrVersionVector, 1);
      mmr_world_read (r->world, cl->replica, c->key, c->field, ctx);
      g_hash_table_replace (cl->contexts, g_strdup (name), ctx);
      /* Under field granularity a read of the whole record saw every
       * field, each with a context of its own (dots count per register). */
      if (c->field == NULL || *c->field == '\0')
        mmr_world_read_field_contexts (r->world, cl->replica, c->key,
                                       cl->contexts);
      return;
    }
  if (c->kind == MMR_CMD_CLIENT_DEL
      && (c->field == NULL || *c->field == '\0'))
    {
      mmr_world_client_delete_record (r->world, cl->replica, c->key,
                                      cl->contexts);
      return;
    }
  /* A put carries the context of the client's last get of the register;
   * a client that never read it has none, and its write is a sibling. */
  ctx = g_hash_table_lookup (cl->contexts, name);
  mmr_world_client_write (r->world, cl->replica, c->key, c->field,
                          c->kind == MMR_CMD_CLIENT_PUT ? c->value : NULL,
                          ctx);
}

/* ---- commands ---- */

static void
set_link (MmrRunner *r, const MmrCommand *c)
{
  MmrLinkModel m;
  int from = c->link_from, to = c->link_to;

  if (from >= 0)
    m = mmr_world_get_channel (r->world, (guint) from, (guint) to)->model;
  else
    m = mmr_world_get_config (r->world)->link;
  switch (c->kind)
    {
    case MMR_CMD_LATENCY:
      m.latency_min_us = c->us;
      m.latency_max_us = c->us_max > 0 ? c->us_max : c->us;
      break;
    case MMR_CMD_LOSS: m.loss = c->prob; break;
    case MMR_CMD_DUPLICATE: m.duplicate = c->prob; break;
    case MMR_CMD_REORDER: m.reorder = c->flag; break;
    default: g_assert_not_reached ();
    }
  mmr_world_set_link_model (r->world, from, to, &m);
  if (from >= 0 && c->flag && c->kind != MMR_CMD_REORDER)
    mmr_world_set_link_model (r->world, to, from, &m);
}

static void
set_cut (MmrRunner *r, const MmrCommand *c, gboolean is_cut)
{
  if (c->link_from < 0)
    {
      mmr_world_heal_all (r->world);
      return;
    }
  mmr_world_set_cut (r->world, (guint) c->link_from, (guint) c->link_to, is_cut);
  if (c->flag)
    mmr_world_set_cut (r->world, (guint) c->link_to, (guint) c->link_from,
                       is_cut);
}

/* 'delivery manual': the script names the message. One that is not there
 * (the schedule does not fit the run) fails like an expectation. */
static void
deliver_by_hand (MmrRunner *r, const MmrCommand *c)
{
  g_autoptr (GError) error = NULL;
  MmrDeliverHow how = c->kind == MMR_CMD_DROP ? MMR_DELIVER_LOSE
                      : c->flag ? MMR_DELIVER_COPY : MMR_DELIVER_ONCE;

  if (!mmr_world_deliver (r->world, (guint) c->link_from, (guint) c->link_to,
                          (guint) c->count, how, &error))
    record (r, c, FALSE, g_strdup_printf ("cannot %s: %s",
                                          c->kind == MMR_CMD_DROP
                                          ? "drop" : "deliver",
                                          error->message));
}

/* DOC: runner-execute */
static void
execute (MmrRunner *r, const MmrCommand *c)
{
  MmrWorld *w = r->world;

  switch (c->kind)
    {
    case MMR_CMD_STRATEGY:
      if (c->strategy == MMR_STRATEGY_MERGE)
        mmr_world_set_merge (w, c->value);
      else
        mmr_world_set_strategy (w, c->strategy);
      break;
    case MMR_CMD_CAUSALITY: mmr_world_set_causality (w, c->causality); break;
    case MMR_CMD_DURABILITY:
      mmr_world_set_durability (w, (MmrDurability) c->count);
      break;
    case MMR_CMD_CRASH: mmr_world_crash (w, (guint) c->replica); break;
    case MMR_CMD_RESTART:
      {
        g_autoptr (GError) error = NULL;

        /* The database was fine at the start; a failure now is a fault of
         * the machine, reported in the trace and the report. */
        if (!mmr_world_restart (w, (guint) c->replica, &error))
          record (r, c, FALSE, g_strdup_printf ("restart failed: %s",
                                                error->message));
      }
      break;
    case MMR_CMD_CLIENT: client_declare (r, c); break;
    case MMR_CMD_CLIENT_GET:
    case MMR_CMD_CLIENT_PUT:
    case MMR_CMD_CLIENT_DEL: client_act (r, c); break;
    case MMR_CMD_TYPE:
      {
        MmrCrdtType type;

        if (mmr_crdt_type_from_string (c->value, &type, NULL))
          mmr_world_declare_type (w, c->key, type);
      }
      break;
    case MMR_CMD_OP:
      /* The parser tried the operation on a scratch state: it cannot fail. */
      if (!mmr_world_crdt_op (w, (guint) c->replica, c->key, c->op, c->value,
                              NULL))
        g_warn_if_reached ();
      break;
    case MMR_CMD_EXPECT_SIBLINGS: expect_siblings (r, c); break;
    case MMR_CMD_DELIVER:
    case MMR_CMD_DROP: deliver_by_hand (r, c); break;
    case MMR_CMD_CLOCK: mmr_world_set_clock (w, c->clock); break;
    case MMR_CMD_LATENCY:
    case MMR_CMD_LOSS:
    case MMR_CMD_DUPLICATE:
    case MMR_CMD_REORDER: set_link (r, c); break;
    case MMR_CMD_ANTIENTROPY: mmr_world_set_antientropy (w, c->us); break;
    case MMR_CMD_AE_MODE:
      mmr_world_set_antientropy_mode (w, (MmrAntiEntropyMode) c->count);
      break;
    case MMR_CMD_PUT:
      mmr_world_put (w, (guint) c->replica, c->key, c->field, c->value);
      break;
    case MMR_CMD_DEL:
      mmr_world_delete (w, (guint) c->replica, c->key, c->field);
      break;
    case MMR_CMD_PARTITION: mmr_world_partition (w, c->group_of); break;
    case MMR_CMD_CUT: set_cut (r, c, TRUE); break;
    case MMR_CMD_HEAL: set_cut (r, c, FALSE); break;
    case MMR_CMD_SKEW: mmr_world_set_skew (w, (guint) c->replica, c->us); break;
    case MMR_CMD_DRIFT:
      mmr_world_set_drift (w, (guint) c->replica, (gint32) c->count);
      break;
    case MMR_CMD_RUN:
      r->state = RUNNER_RUNNING;
      r->target_us = mmr_world_now (w) + c->us;
      break;
    case MMR_CMD_SETTLE:
      r->state = RUNNER_SETTLING;
      r->settle_line = c->line;
      r->target_us = mmr_world_now (w)
                     + (c->us > 0 ? c->us : MMR_SETTLE_DEFAULT_LIMIT_US);
      break;
    case MMR_CMD_EXPECT_CONVERGED: expect_converged (r, c); break;
    case MMR_CMD_EXPECT_VALUE:
    case MMR_CMD_EXPECT_ABSENT: expect_value (r, c); break;
    case MMR_CMD_EXPECT_LOST:
    case MMR_CMD_EXPECT_CONFLICTS: expect_count (r, c); break;
    default: g_assert_not_reached ();
    }
}

/* One world event of a run/settle, or the end of it. TRUE if an event ran. */
static gboolean
advance (MmrRunner *r)
{
  gint64 next_us;

  if (r->state == RUNNER_SETTLING && mmr_world_is_quiescent (r->world))
    {
      r->state = RUNNER_IDLE;
      return FALSE;
    }
  next_us = mmr_world_next_time (r->world);
  if (next_us > r->target_us)
    {
      if (!within_limits_before (r, r->target_us, FALSE))
        return FALSE;
      if (r->state == RUNNER_SETTLING)
        g_array_append_val (r->unsettled, r->settle_line);
      mmr_world_run_until (r->world, r->target_us);
      r->state = RUNNER_IDLE;
      return FALSE;
    }
  if (!within_limits_before (r, next_us, TRUE))
    return FALSE;
  r->n_steps++;
  mmr_world_step (r->world);
  return TRUE;
}

gboolean
mmr_runner_step (MmrRunner *r)
{
  if (r->state == RUNNER_DONE)
    return FALSE;
  if (r->state == RUNNER_RUNNING || r->state == RUNNER_SETTLING)
    {
      advance (r);
      check_in_flight (r);
      return r->error == NULL;
    }
  if (r->pc >= r->script->commands->len)
    {
      r->state = RUNNER_DONE;
      return FALSE;
    }
  r->line = ((const MmrCommand *) r->script->commands->pdata[r->pc])->line;
  execute (r, r->script->commands->pdata[r->pc++]);
  check_in_flight (r);
  return r->error == NULL;
}

gboolean
mmr_runner_step_event (MmrRunner *r)
{
  guint64 before = mmr_world_n_events (r->world);

  while (mmr_world_n_events (r->world) == before)
    if (!mmr_runner_step (r))
      return FALSE;
  return TRUE;
}

void
mmr_runner_run (MmrRunner *r)
{
  while (mmr_runner_step (r))
    ;
}

/* ---- copies, for mmr explore ---- */

static Client *
client_copy (const Client *cl)
{
  Client *c = g_new0 (Client, 1);
  GHashTableIter it;
  gpointer name, ctx;

  c->replica = cl->replica;
  c->contexts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       g_free);
  g_hash_table_iter_init (&it, cl->contexts);
  while (g_hash_table_iter_next (&it, &name, &ctx))
    g_hash_table_replace (c->contexts, g_strdup (name),
                          g_memdup2 (ctx, sizeof (MmrVersionVector)));
  return c;
}

/* DOC: runner-copy */
MmrRunner *
mmr_runner_copy (const MmrRunner *r, GError **error)
{
  MmrWorld *world;
  MmrRunner *c;
  GHashTableIter it;
  gpointer name, cl;

  g_return_val_if_fail (r->state == RUNNER_IDLE || r->state == RUNNER_DONE,
                        NULL);
  world = mmr_world_copy (r->world, error);
  if (world == NULL)
    return NULL;
  c = g_new (MmrRunner, 1);
  *c = *r;
  c->world = world;
  c->writes = mmr_write_log_copy (r->writes, world);
  c->conflicts = NULL;     /* reports only: a copy keeps none */
  c->convergence = NULL;
  c->error = r->error != NULL ? g_error_copy (r->error) : NULL;
  c->expectations = g_ptr_array_new_full (r->expectations->len,
                                          (GDestroyNotify) expectation_free);
  for (guint i = 0; i < r->expectations->len; i++)
    {
      const MmrExpectation *e = r->expectations->pdata[i];
      MmrExpectation *ec = g_new (MmrExpectation, 1);

      *ec = *e;
      ec->text = g_strdup (e->text);
      ec->message = g_strdup (e->message);
      g_ptr_array_add (c->expectations, ec);
    }
  c->unsettled = g_array_copy (r->unsettled);
  c->clients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) client_free);
  g_hash_table_iter_init (&it, r->clients);
  while (g_hash_table_iter_next (&it, &name, &cl))
    g_hash_table_replace (c->clients, g_strdup (name), client_copy (cl));
  return c;
}

static guint64
hash_text (const char *s)
{
  guint64 h = 0xcbf29ce484222325ull;

  for (; *s != '\0'; s++)
    h = (h ^ (guint8) *s) * 0x100000001b3ull;
  return h;
}

static guint64
hash_client (const char *name, const Client *cl)
{
  guint64 sum = hash_text (name) + cl->replica;
  GHashTableIter it;
  gpointer entry, ctx;

  g_hash_table_iter_init (&it, cl->contexts);
  while (g_hash_table_iter_next (&it, &entry, &ctx))
    {
      guint64 h = hash_text (entry);
      const MmrVersionVector *vv = ctx;

      for (guint i = 0; i < MMR_MAX_REPLICAS; i++)
        h = (h ^ vv->c[i]) * 0x100000001b3ull;
      sum += h ^ (h >> 31);
    }
  return sum;
}

guint64
mmr_runner_hash_state (const MmrRunner *r)
{
  guint64 h = mmr_world_hash_state (r->world);
  GHashTableIter it;
  gpointer name, cl;

  /* Added, as the world's terms are (world.h): a step that changes only
   * the world changes only the world's terms. */
  h += ((guint64) r->pc << 8 ^ r->state) * 0x9e3779b97f4a7c15ull;
  h += (mmr_write_log_hash (r->writes) ^ 0x5bd1e995u) * 0xff51afd7ed558ccdull;
  g_hash_table_iter_init (&it, r->clients);
  while (g_hash_table_iter_next (&it, &name, &cl))
    h += hash_client (name, cl);
  return h;
}
