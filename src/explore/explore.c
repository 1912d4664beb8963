/* explore.c - a search over every delivery order (see explore.h)
 *
 * The model (DSLabs-style: a state graph, searched with state hashing).
 *   A state is a runner between two commands: the world (replicas, links
 *   and the messages on them), the write log, the clients' contexts and
 *   the next command. The world runs with manual delivery: a message sent
 *   waits on its link until the search picks it.
 *   Steps. The commands between two that let time pass ('run', 'settle')
 *   happen at one instant, so they run as one block, nothing delivered in
 *   between. At a 'run' or 'settle' the next step is one of:
 *     deliver   the oldest message of a link (any message of it when the
 *               link reorders);
 *     copy      deliver a duplicate of it and leave it on the link, when
 *               the link has duplicate > 0 (at most one copy per message,
 *               as on a real link);
 *     drop      lose it, when the link has loss > 0;
 *     pass      run the command: a 'run' any time (whatever is still in
 *               flight arrives later), a 'settle' only when nothing is in
 *               flight. Then the next block of commands runs.
 *   Deliveries happen at the virtual time of the 'run' or 'settle' they
 *   precede; a 'run' then moves the clock on by its duration.
 *   Hashing. Two paths that end in the same state (mmr_runner_hash_state)
 *   have the same future, so the second one stops there: each distinct
 *   state is expanded once. A 64-bit hash stands for the state (a
 *   collision would merge two states; at a million states the chance is
 *   about 3e-8). A delivery that leads back to a visited state is mostly
 *   recognised before it is made: explore-memo.c predicts its hash from
 *   an equal delivery seen before, so it costs no copy of the runner.
 *   Checks. An 'expect' is checked on every path that reaches it; at an
 *   end state (the script is done) mmr check's invariants are checked
 *   (src/check/invariants.h) on the path that reached it, convergence
 *   among them when the script ends with a 'settle', no link cut and
 *   nothing in flight; then the views are compared as 'expect converged'
 *   does.
 * Search: depth first, so memory is one copy of the world per level of
 * the path; the path on the stack is the schedule of a violation.
 *
 * Invariant: the runner of every frame on the stack is idle at a 'run' or
 * 'settle' (or done), and its hash is in the visited set.
 *
 * Taught in docs/checking.md ("Exploring").
 */
#include "explore/explore.h"

#include <string.h>

#include "check/invariants.h"
#include "explore/explore-memo.h"
#include "scenario/runner.h"
#include "sim/checker.h"

G_DEFINE_QUARK (mmr-explore-error-quark, mmr_explore_error)

typedef enum { MOVE_DELIVER, MOVE_COPY, MOVE_DROP, MOVE_PASS } MoveKind;

typedef struct {
  guint8 kind;
  guint8 from, to;
  guint16 index;
  guint line;              /* the 'run'/'settle' it happens before */
} Move;

typedef struct {
  MmrRunner *runner;       /* NULL once handed to the last child */
  MmrExploreHashes hashes; /* the runner's hash, and its parts */
  Move *moves;
  guint n_moves, next;
  Move via;                /* the step that led here */
} Frame;

/* ---- the visited set: open addressing over 64-bit hashes ---- */

typedef struct {
  guint64 *slots;          /* 0: empty */
  guint64 mask;
  guint64 n;
} Visited;

static void
visited_init (Visited *v)
{
  v->mask = (1u << 16) - 1;
  v->slots = g_new0 (guint64, v->mask + 1);
  v->n = 0;
}

static gboolean visited_add (Visited *v, guint64 h);

static void
visited_grow (Visited *v)
{
  guint64 *old = v->slots;
  guint64 old_n = v->mask + 1;

  v->mask = 2 * old_n - 1;
  v->slots = g_new0 (guint64, v->mask + 1);
  v->n = 0;
  for (guint64 i = 0; i < old_n; i++)
    if (old[i] != 0)
      visited_add (v, old[i]);
  g_free (old);
}

static gboolean
visited_contains (const Visited *v, guint64 h)
{
  if (h == 0)
    h = 1;
  for (guint64 i = h & v->mask; v->slots[i] != 0; i = (i + 1) & v->mask)
    if (v->slots[i] == h)
      return TRUE;
  return FALSE;
}

/* TRUE when @h is new. */
static gboolean
visited_add (Visited *v, guint64 h)
{
  guint64 i;

  if (h == 0)
    h = 1;
  if (2 * (v->n + 1) > v->mask)
    visited_grow (v);
  for (i = h & v->mask; v->slots[i] != 0; i = (i + 1) & v->mask)
    if (v->slots[i] == h)
      return FALSE;
  v->slots[i] = h;
  v->n++;
  return TRUE;
}

/* ---- what explore supports ---- */

static gboolean
refuse (GError **error, const MmrScript *s, const MmrCommand *c,
        const char *what)
{
  if (c != NULL)
    g_set_error (error, MMR_EXPLORE_ERROR, MMR_EXPLORE_ERROR_UNSUPPORTED,
                 "%s:%u:%u: explore does not support %s", s->filename,
                 c->line, c->col, what);
  else
    g_set_error (error, MMR_EXPLORE_ERROR, MMR_EXPLORE_ERROR_UNSUPPORTED,
                 "%s: explore does not support %s", s->filename, what);
  return FALSE;
}

gboolean
mmr_explore_supports (const MmrScript *s, GError **error)
{
  if (s->config.antientropy_interval_us > 0)
    return refuse (error, s, NULL, "anti-entropy: its timers fire forever, "
                   "so no schedule would end; add 'antientropy off' to the "
                   "header (anti-entropy is on every 100ms unless turned off)");
  if (s->config.durability != MMR_DURABILITY_NONE)
    return refuse (error, s, NULL, "durability (replica databases cannot "
                   "be copied); remove the 'durability' line");
  for (guint i = 0; i < s->commands->len; i++)
    {
      const MmrCommand *c = s->commands->pdata[i];

      if (c->kind == MMR_CMD_ANTIENTROPY && c->us > 0)
        return refuse (error, s, c, "anti-entropy: its timers fire forever, "
                       "so no schedule would end");
      if (c->kind == MMR_CMD_DURABILITY && c->count != MMR_DURABILITY_NONE)
        return refuse (error, s, c, "durability (replica databases cannot "
                       "be copied)");
      if (c->kind == MMR_CMD_TYPE || c->kind == MMR_CMD_OP)
        return refuse (error, s, c, "CRDT keys ('type' and their "
                       "operations) yet");
    }
  return TRUE;
}

/* ---- steps ---- */

static gboolean
is_choice_point (const MmrCommand *c)
{
  return c != NULL && (c->kind == MMR_CMD_RUN || c->kind == MMR_CMD_SETTLE);
}

/* One runner step; @inv (when replaying a path for the invariants) is
 * told the command first, as mmr check does. */
static gboolean
step (MmrRunner *r, MmrInvariants *inv)
{
  if (inv != NULL)
    mmr_invariants_note_command (inv, mmr_runner_current_command (r));
  return mmr_runner_step (r);
}

/* Runs the commands up to the next 'run' or 'settle', or to the end. */
static void
run_block (MmrRunner *r, MmrInvariants *inv)
{
  const MmrCommand *c;

  while (!is_choice_point (c = mmr_runner_current_command (r)))
    if (!step (r, inv))
      return;
}

/* Runs the 'run' or 'settle' at hand to its end, then the next block. */
static void
pass (MmrRunner *r, MmrInvariants *inv)
{
  const MmrCommand *c = mmr_runner_current_command (r);

  step (r, inv);
  while (mmr_runner_current_command (r) == c && step (r, inv))
    ;
  run_block (r, inv);
}

static void
add_move (GArray *moves, MoveKind kind, guint from, guint to, guint index,
          guint line)
{
  Move m = { (guint8) kind, (guint8) from, (guint8) to, (guint16) index,
             line };

  g_array_append_val (moves, m);
}

/* DOC: explore-moves */
static Move *
list_moves (MmrRunner *r, guint *out_n)
{
  MmrWorld *w = mmr_runner_get_world (r);
  const MmrCommand *c = mmr_runner_current_command (r);
  guint n = mmr_world_n_replicas (w);
  GArray *moves;

  *out_n = 0;
  if (c == NULL)
    return NULL;
  moves = g_array_new (FALSE, FALSE, sizeof (Move));
  for (guint from = 0; from < n; from++)
    for (guint to = 0; to < n; to++)
      {
        const MmrChannel *ch;
        guint index = 0;

        if (from == to)
          continue;
        ch = mmr_world_get_channel (w, from, to);
        for (const MmrInFlight *m = ch->head; m != NULL; m = m->next, index++)
          {
            if (index > 0 && !ch->model.reorder)
              break;
            add_move (moves, MOVE_DELIVER, from, to, index, c->line);
            if (ch->model.duplicate > 0 && !m->is_duplicate)
              add_move (moves, MOVE_COPY, from, to, index, c->line);
            if (ch->model.loss > 0)
              add_move (moves, MOVE_DROP, from, to, index, c->line);
          }
      }
  if (c->kind == MMR_CMD_RUN || mmr_world_n_in_flight (w) == 0)
    add_move (moves, MOVE_PASS, 0, 0, 0, c->line);
  *out_n = moves->len;
  return (Move *) (void *) g_array_free (moves, FALSE);
}

static void
apply (MmrRunner *r, const Move *m, MmrInvariants *inv)
{
  static const MmrDeliverHow how[] = {
    [MOVE_DELIVER] = MMR_DELIVER_ONCE,
    [MOVE_COPY] = MMR_DELIVER_COPY,
    [MOVE_DROP] = MMR_DELIVER_LOSE,
  };

  if (m->kind == MOVE_PASS)
    pass (r, inv);
  else if (!mmr_world_deliver (mmr_runner_get_world (r), m->from, m->to,
                               m->index, how[m->kind], NULL))
    g_assert_not_reached ();   /* list_moves offered only what exists */
}

/* ---- checks ---- */

static gboolean
check_expects (MmrRunner *r, MmrExploreResult *res)
{
  GPtrArray *all = mmr_runner_get_expectations (r);

  if (mmr_runner_n_failed (r) == 0)
    return TRUE;
  for (guint i = 0; i < all->len; i++)
    {
      const MmrExpectation *e = all->pdata[i];

      if (!e->ok)
        {
          res->check = g_strdup ("expect");
          res->line = e->line;
          res->text = g_strdup (e->text);
          res->message = g_strdup (e->message);
          return FALSE;
        }
    }
  g_assert_not_reached ();
}

static gboolean
ends_settled (const MmrScript *s)
{
  for (guint i = s->commands->len; i-- > 0;)
    {
      const MmrCommand *c = s->commands->pdata[i];

      if (is_choice_point (c))
        return c->kind == MMR_CMD_SETTLE;
    }
  return FALSE;
}

static gboolean
any_cut (MmrWorld *w)
{
  guint n = mmr_world_n_replicas (w);

  for (guint i = 0; i < n; i++)
    for (guint j = 0; j < n; j++)
      if (i != j && mmr_world_get_channel (w, i, j)->is_cut)
        return TRUE;
  return FALSE;
}

/* DOC: explore-invariants */
static gboolean owes_convergence (MmrRunner *r, gboolean settled);

static gboolean
check_end_state (MmrRunner *r, gboolean settled, MmrExploreResult *res)
{
  MmrWorld *w = mmr_runner_get_world (r);
  g_autoptr (GPtrArray) diffs = NULL;
  GString *msg;

  if (!owes_convergence (r, settled))
    return TRUE;
  diffs = mmr_check_convergence (w);
  if (diffs->len == 0)
    return TRUE;
  msg = g_string_new ("replicas differ: ");
  for (guint i = 0; i < diffs->len; i++)
    g_string_append_printf (msg, "%s%s", i > 0 ? "; " : "",
                            (const char *) diffs->pdata[i]);
  res->check = g_strdup ("convergence");
  res->text = g_strdup ("every replica shows the same state after the "
                        "final settle");
  res->message = g_string_free (msg, FALSE);
  return FALSE;
}

/* ---- the schedule of a violation, as a scenario ---- */

static void
append_move (GString *out, const MmrScript *s, const Move *m)
{
  const char *from = s->config.names[m->from], *to = s->config.names[m->to];

  if (m->kind == MOVE_PASS)
    return;
  g_string_append_printf (out, "%s %s->%s", m->kind == MOVE_DROP
                                            ? "drop" : "deliver", from, to);
  if (m->index > 0)
    g_string_append_printf (out, " %u", m->index + 1u);
  if (m->kind == MOVE_COPY)
    g_string_append (out, " copy");
  g_string_append_c (out, '\n');
}

static gboolean
is_replicas_line (const char *line)
{
  while (*line == ' ' || *line == '\t')
    line++;
  return g_str_has_prefix (line, "replicas")
         && (line[8] == ' ' || line[8] == '\t');
}

/* DOC: explore-schedule */
/* The script's own lines up to @last_line (0: all), with 'delivery
 * manual' after the replicas line and each delivery of the path before
 * the 'run' or 'settle' line it happened at. */
static char *
write_schedule (const MmrScript *s, const Move *path, guint n_path,
                guint last_line, const MmrExploreResult *res)
{
  g_auto (GStrv) lines = g_strsplit (s->source, "\n", -1);
  GString *out = g_string_new (NULL);
  guint k = 0;
  gboolean added = s->config.is_manual_delivery;

  g_string_append_printf (out, "# mmr explore: a schedule of %s that breaks "
                          "%s\n", s->filename, res->check);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      guint line = i + 1;

      if (last_line > 0 && line > last_line)
        break;
      if (lines[i + 1] == NULL && *lines[i] == '\0')
        break;   /* the text's final newline */
      while (k < n_path && path[k].line == line)
        append_move (out, s, &path[k++]);
      g_string_append_printf (out, "%s\n", lines[i]);
      if (!added && is_replicas_line (lines[i]))
        {
          g_string_append (out, "delivery manual\n");
          added = TRUE;
        }
    }
  return g_string_free (out, FALSE);
}

/* ---- the search ---- */

typedef struct {
  const MmrScript *script;
  MmrExploreResult *res;
  guint64 max_states;
  Visited visited;
  GArray *stack;           /* Frame */
  MmrExploreMemo *memo;    /* NULL: no deliveries predicted */
  gboolean settled;        /* the script ends with a settle */
  const MmrScript *manual; /* the script, with manual delivery */
} Search;

static void
frame_clear (Frame *f)
{
  g_clear_pointer (&f->runner, mmr_runner_free);
  g_clear_pointer (&f->moves, g_free);
}

/* The steps from the start to the state reached by @via from the top
 * frame: the frames' steps, then @via. *out_n: 0 for the start itself. */
static Move *
current_path (Search *S, const Move *via, guint *out_n)
{
  guint n = S->stack->len;
  Move *path = g_new (Move, n + 1);

  for (guint i = 1; i < n; i++)
    path[i - 1] = g_array_index (S->stack, Frame, i).via;
  if (n > 0)
    path[n - 1] = *via;
  *out_n = n;
  return path;
}

static gboolean
owes_convergence (MmrRunner *r, gboolean settled)
{
  MmrWorld *w = mmr_runner_get_world (r);

  if (!settled || any_cut (w) || mmr_world_n_in_flight (w) > 0)
    return FALSE;
  for (guint i = 0; i < mmr_world_n_replicas (w); i++)
    if (mmr_world_is_down (w, i))
      return FALSE;
  return TRUE;
}

/* DOC: explore-check-invariants */
/* mmr check's invariants watch a whole run's events, so at an end state
 * the path to it is run again from the start with them watching, and
 * their end-of-run checks see the end state. End states are few (the
 * search's states are mostly on the way), so this costs little. */
static gboolean
check_invariants (Search *S, const Move *path, guint n_path,
                  MmrExploreResult *res)
{
  g_autoptr (MmrRunner) r = mmr_runner_new (S->manual, FALSE, 0);
  MmrWorld *w = mmr_runner_get_world (r);
  g_autoptr (MmrInvariants) inv = mmr_invariants_new (w);
  g_autoptr (GPtrArray) lost = NULL;
  const GPtrArray *found;
  const MmrViolation *v;

  run_block (r, inv);
  for (guint i = 0; i < n_path; i++)
    apply (r, &path[i], inv);
  lost = mmr_write_log_dup_lost (mmr_runner_get_write_log (r));
  mmr_invariants_finish (inv, w, owes_convergence (r, S->settled), lost);
  found = mmr_invariants_get_violations (inv);
  if (found->len == 0)
    return TRUE;
  v = found->pdata[0];
  res->check = g_strdup (v->invariant);
  res->text = g_strdup_printf ("the invariant %s (docs/checking.md)",
                               v->invariant);
  res->message = g_strdup (v->message);
  /* The invariants observe the world: they go before it. */
  g_clear_pointer (&inv, mmr_invariants_free);
  return FALSE;
}

static void
note_violation (Search *S, const Move *via, guint depth)
{
  guint n;
  g_autofree Move *path = current_path (S, via, &n);

  S->res->has_violation = TRUE;
  S->res->depth = depth;
  S->res->schedule = write_schedule (S->script, path, n, S->res->line,
                                     S->res);
}

/* A new distinct state at @depth, reached by @via: checks it and, unless
 * it ends the search, pushes it. FALSE ends the search. */
static gboolean
visit (Search *S, MmrRunner *r, const MmrExploreHashes *hashes,
       const Move *via, guint depth)
{
  Frame f = { 0 };

  S->res->n_distinct++;
  S->res->max_depth = MAX (S->res->max_depth, depth);
  if (!check_expects (r, S->res))
    {
      note_violation (S, via, depth);
      mmr_runner_free (r);
      return FALSE;
    }
  f.moves = list_moves (r, &f.n_moves);
  if (f.n_moves == 0)
    {
      guint n_path;
      g_autofree Move *path = current_path (S, via, &n_path);

      S->res->n_end_states++;
      if (!check_invariants (S, path, n_path, S->res)
          || !check_end_state (r, S->settled, S->res))
        {
          note_violation (S, via, depth);
          mmr_runner_free (r);
          return FALSE;
        }
    }
  f.runner = r;
  f.hashes = *hashes;
  f.via = *via;
  g_array_append_val (S->stack, f);
  if (S->res->n_distinct >= S->max_states)
    return FALSE;
  return TRUE;
}

/* TRUE when @m is a delivery that the memo knows leads to a state
 * already visited: then it costs no copy (explore-memo.c). */
static gboolean
is_known_repeat (Search *S, Frame *f, const Move *m)
{
  guint64 h;

  return m->kind == MOVE_DELIVER && S->memo != NULL
         && mmr_explore_memo_predict (S->memo, f->runner, &f->hashes,
                                      m->from, m->to, m->index, &h)
         && visited_contains (&S->visited, h);
}

/* One step from the top frame. FALSE ends the search. */
static gboolean
expand (Search *S)
{
  Frame *f = &g_array_index (S->stack, Frame, S->stack->len - 1);
  Move m;
  MmrRunner *child;
  guint depth = S->stack->len;
  gboolean is_memo;
  MmrExploreHashes hashes = { 0 };

  if (f->next == f->n_moves)
    {
      frame_clear (f);
      g_array_set_size (S->stack, S->stack->len - 1);
      return TRUE;
    }
  m = f->moves[f->next++];
  S->res->n_explored++;
  if (is_known_repeat (S, f, &m))
    return TRUE;
  /* The last step takes the frame's own runner: one copy fewer. */
  child = f->next == f->n_moves ? g_steal_pointer (&f->runner)
                                : mmr_runner_copy (f->runner, NULL);
  g_assert (child != NULL);   /* mmr_explore_supports said it copies */
  is_memo = m.kind == MOVE_DELIVER && S->memo != NULL;
  if (is_memo)
    mmr_explore_memo_watch (S->memo, child);
  apply (child, &m, NULL);
  if (is_memo)
    mmr_explore_memo_learn (S->memo, child, &hashes);
  else
    hashes.hash = mmr_runner_hash_state (child);
  if (!visited_add (&S->visited, hashes.hash))
    {
      mmr_runner_free (child);
      return TRUE;
    }
  return visit (S, child, &hashes, &m, depth);
}

gboolean
mmr_explore_run (const MmrScript *script, const MmrExploreOptions *options,
                 MmrExploreResult *res, GError **error)
{
  MmrScript manual;
  Search S = { 0 };
  MmrRunner *root;
  MmrExploreHashes hashes = { 0 };
  Move start = { MOVE_PASS, 0, 0, 0, 0 };

  memset (res, 0, sizeof *res);
  if (!mmr_explore_supports (script, error))
    return FALSE;
  /* The same script, run with manual delivery: a shallow copy that only
   * lives as long as the search. */
  manual = *script;
  manual.config.is_manual_delivery = TRUE;
  S.script = script;
  S.res = res;
  S.max_states = options != NULL && options->max_states > 0
                 ? options->max_states : MMR_EXPLORE_DEFAULT_MAX_STATES;
  S.settled = ends_settled (script);
  S.stack = g_array_new (FALSE, TRUE, sizeof (Frame));
  visited_init (&S.visited);
  S.manual = &manual;
  S.memo = mmr_explore_memo_new (script);
  root = mmr_runner_new (&manual, FALSE, 0);
  run_block (root, NULL);
  res->n_explored = 1;
  hashes.hash = mmr_runner_hash_state (root);
  visited_add (&S.visited, hashes.hash);
  if (visit (&S, root, &hashes, &start, 0))
    while (S.stack->len > 0 && expand (&S))
      ;
  res->is_complete = !res->has_violation && S.stack->len == 0;
  for (guint i = 0; i < S.stack->len; i++)
    frame_clear (&g_array_index (S.stack, Frame, i));
  g_array_unref (S.stack);
  g_free (S.visited.slots);
  mmr_explore_memo_free (S.memo);
  return TRUE;
}

void
mmr_explore_result_clear (MmrExploreResult *res)
{
  g_clear_pointer (&res->check, g_free);
  g_clear_pointer (&res->text, g_free);
  g_clear_pointer (&res->message, g_free);
  g_clear_pointer (&res->schedule, g_free);
}
