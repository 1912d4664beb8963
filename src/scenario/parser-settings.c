/* parser-settings.c - the header and the settings of a scenario
 *
 * The lines up to the first action form the header: the replicas, the
 * seed, the granularity and every setting before an action become the
 * world's starting configuration (MmrWorldConfig), not commands. After
 * the first action a setting is a command that runs at its place; some
 * settings may not change mid-run at all (seed, granularity, delivery),
 * others only in certain ways (durability, clock), each checked here with
 * the reason in the message.
 *
 * Interface (parser-private.h): mmr_parse_begin_action() and one
 * mmr_parse_cmd_*() per setting: replicas, seed, granularity, strategy,
 * durability, causality, clock, antientropy, latency, loss, duplicate,
 * reorder, delivery.
 * Invariant: after the header, P->script->config is final.
 *
 * Taught in docs/scenario-language.md ("The header", "Network settings").
 */
#include "scenario/parser-private.h"

#include <string.h>

#include "core/duration.h"
#include "store/merge-fn.h"

/* ---------------------------------------------------------- the header */

/* DOC: header-end
 * The header ends at the first action, a declaration ("type", "client")
 * included: from there on the configuration is final, and a setting is a
 * command that runs at its place in the run. */
void
mmr_parse_begin_action (Parser *P)
{
  if (!P->in_header)
    return;
  P->in_header = FALSE;
  P->first_action_line = P->L.line_no;
  P->clock = P->script->config.clock;
}

/* DOC: header-folding
 * Before the first action a setting for every link is the world's
 * starting state, so it goes into the config, not the command list. A
 * setting for one link has no place in MmrWorldConfig: it stays a
 * command, and runs at time 0 before anything else. */
static void
emit_setting (Parser *P, MmrCommand *c)
{
  MmrWorldConfig *cfg = &P->script->config;

  if (!P->in_header || c->link_from >= 0)
    {
      mmr_parse_add_command (P, c);
      return;
    }
  switch (c->kind)
    {
    case MMR_CMD_STRATEGY:
      cfg->strategy = c->strategy;
      g_free (cfg->merge);
      cfg->merge = g_strdup (c->value);
      break;
    case MMR_CMD_CAUSALITY: cfg->causality = c->causality; break;
    case MMR_CMD_DURABILITY: cfg->durability = (MmrDurability) c->count; break;
    case MMR_CMD_AE_MODE:
      cfg->antientropy_mode = (MmrAntiEntropyMode) c->count;
      break;
    case MMR_CMD_CLOCK: cfg->clock = c->clock; break;
    case MMR_CMD_LATENCY:
      cfg->link.latency_min_us = c->us;
      cfg->link.latency_max_us = c->us_max;
      break;
    case MMR_CMD_LOSS: cfg->link.loss = c->prob; break;
    case MMR_CMD_DUPLICATE: cfg->link.duplicate = c->prob; break;
    case MMR_CMD_REORDER: cfg->link.reorder = c->flag; break;
    case MMR_CMD_ANTIENTROPY: cfg->antientropy_interval_us = c->us; break;
    default: g_assert_not_reached ();
    }
  mmr_parse_command_free (c);
}

/* For "latency A<->B 80ms": the same setting on the way back. */
static MmrCommand *
command_reverse (const MmrCommand *c)
{
  MmrCommand *r = g_memdup2 (c, sizeof *c);

  r->key = g_strdup (c->key);
  r->field = g_strdup (c->field);
  r->value = g_strdup (c->value);
  r->values = NULL;
  r->client = g_strdup (c->client);
  r->op = g_strdup (c->op);
  r->text = g_strdup (c->text);
  r->link_from = c->link_to;
  r->link_to = c->link_from;
  return r;
}

/* -------------------------------------------------------- declarations */

gboolean
mmr_parse_cmd_replicas (Parser *P, const MmrToken *cmd)
{
  MmrWorldConfig *cfg = &P->script->config;
  g_auto (MmrToken) t = { 0 };
  int r;

  if (cfg->n_replicas > 0)
    return fail (P, cmd->col, "the replicas are already declared on line %u",
                 P->replicas_line);
  while ((r = mmr_lexer_next (&P->L, FALSE, &t)) == 1)
    {
      if (t.is_quoted || !mmr_parse_is_name (t.text))
        return fail (P, t.col, "invalid replica name '%.*s'; a name is a "
                     "letter followed by letters, digits, _ or -",
                     (int) t.raw_len, t.raw);
      if (mmr_parse_is_reserved (t.text))
        return fail (P, t.col, "'%s' is a word of the scenario language and "
                     "cannot name a replica", t.text);
      if (mmr_parse_find_replica (P, t.text) >= 0)
        return fail (P, t.col, "replica '%s' is declared twice", t.text);
      if (cfg->n_replicas == MMR_MAX_REPLICAS)
        return fail (P, t.col, "too many replicas: at most %d",
                     MMR_MAX_REPLICAS);
      cfg->names[cfg->n_replicas++] = g_steal_pointer (&t.text);
    }
  if (r < 0)
    return FALSE;
  if (cfg->n_replicas < 2)
    return fail_missing (P, "'replicas' needs 2 to %d names, "
                         "e.g. 'replicas A B C'", MMR_MAX_REPLICAS);
  P->replicas_line = P->L.line_no;
  return TRUE;
}

gboolean
mmr_parse_cmd_seed (Parser *P, const MmrToken *cmd)
{
  g_auto (MmrToken) t = { 0 };
  guint64 seed;

  if (!P->in_header)
    return fail (P, cmd->col, "'seed' must come before the first action "
                 "(line %u)", P->first_action_line);
  if (P->script->has_seed)
    return fail (P, cmd->col, "the seed is already set on line %u",
                 P->seed_line);
  if (!need_word (P, &t, "'seed' needs a number, e.g. 'seed 42'"))
    return FALSE;
  if (!mmr_parse_unsigned (t.text, G_MAXUINT64, &seed))
    return fail (P, t.col, "expected a seed, a whole number from 0 to "
                 "%" G_GUINT64_FORMAT ", got '%s'", G_MAXUINT64, t.text);
  if (!expect_end (P))
    return FALSE;
  P->script->config.seed = seed;
  P->script->has_seed = TRUE;
  P->seed_line = P->L.line_no;
  return TRUE;
}

gboolean
mmr_parse_cmd_granularity (Parser *P, const MmrToken *cmd)
{
  static const char *const words[] = { "record", "field" };
  static const MmrGranularity values[] = {
    MMR_GRANULARITY_RECORD, MMR_GRANULARITY_FIELD,
  };
  g_auto (MmrToken) t = { 0 };
  int i;

  if (!P->in_header)
    return fail (P, cmd->col, "'granularity' must come before the first "
                 "action (line %u)", P->first_action_line);
  if (P->granularity_line > 0)
    return fail (P, cmd->col, "the granularity is already set on line %u",
                 P->granularity_line);
  if (!need_word (P, &t, "'granularity' needs record or field, "
                  "e.g. 'granularity field'")
      || (i = mmr_parse_choice (P, &t, words, 2, "record or field")) < 0
      || !expect_end (P))
    return FALSE;
  P->script->config.granularity = values[i];
  P->granularity_line = P->L.line_no;
  return TRUE;
}

gboolean
mmr_parse_cmd_delivery (Parser *P, const MmrToken *cmd)
{
  static const char *const words[] = { "auto", "manual" };
  g_auto (MmrToken) t = { 0 };
  int i;

  if (!P->in_header)
    return fail (P, cmd->col, "'delivery' must come before the first "
                 "action (line %u)", P->first_action_line);
  if (!need_word (P, &t, "'delivery' needs auto or manual, "
                  "e.g. 'delivery manual'")
      || (i = mmr_parse_choice (P, &t, words, 2, "auto or manual")) < 0
      || !expect_end (P))
    return FALSE;
  P->script->config.is_manual_delivery = i == 1;
  return TRUE;
}

/* ----------------------------------------------- strategies and clocks */

gboolean
mmr_parse_cmd_strategy (Parser *P, const MmrToken *cmd)
{
  static const char *const words[] = { "lww", "siblings", "merge" };
  static const MmrStrategy values[] = {
    MMR_STRATEGY_LWW, MMR_STRATEGY_SIBLINGS, MMR_STRATEGY_MERGE,
  };
  g_auto (MmrToken) t = { 0 };
  g_auto (MmrToken) fn = { 0 };
  MmrCommand *c;
  int i;

  if (!need_word (P, &t, "'strategy' needs lww, siblings or merge, "
                  "e.g. 'strategy lww'")
      || (i = mmr_parse_choice (P, &t, words, 3, "lww, siblings or merge")) < 0)
    return FALSE;
  if (values[i] == MMR_STRATEGY_MERGE)
    {
      g_auto (GStrv) names = mmr_merge_dup_names ();
      g_autofree char *list = g_strjoinv (", ", names);

      if (!need_word (P, &fn, "'strategy merge' needs a merge function, "
                      "e.g. 'strategy merge set-union' (one of: %s)", list))
        return FALSE;
      if (!mmr_merge_exists (fn.text))
        return fail (P, fn.col, "unknown merge function '%s'; expected one "
                     "of: %s", fn.text, list);
    }
  if (!expect_end (P))
    return FALSE;
  c = mmr_parse_command_new (P, MMR_CMD_STRATEGY, cmd);
  c->strategy = values[i];
  c->value = g_steal_pointer (&fn.text);
  emit_setting (P, c);
  return TRUE;
}

gboolean
mmr_parse_cmd_durability (Parser *P, const MmrToken *cmd)
{
  static const char *const words[] = { "none", "sync", "async" };
  g_auto (MmrToken) t = { 0 };
  MmrCommand *c;
  int i;

  if (!need_word (P, &t, "'durability' needs none, sync or async, "
                  "e.g. 'durability sync'")
      || (i = mmr_parse_choice (P, &t, words, 3, "none, sync or async")) < 0
      || !expect_end (P))
    return FALSE;
  /* DOC: durability-mid-run
   * The databases are opened with the world, as the header says: a run
   * started without them cannot begin writing through halfway (the
   * writes acknowledged so far are on no disk), nor can one stop. A run
   * with databases may switch between sync and async. */
  if (!P->in_header && i == 0)
    return fail (P, cmd->col, "'durability none' must come before the first "
                 "action (line %u): the databases are opened when the run "
                 "starts", P->first_action_line);
  if (!P->in_header && P->script->config.durability == MMR_DURABILITY_NONE)
    return fail (P, cmd->col, "'durability %s' must come before the first "
                 "action (line %u) unless the header chooses sync or async: "
                 "the databases are opened when the run starts", words[i],
                 P->first_action_line);
  c = mmr_parse_command_new (P, MMR_CMD_DURABILITY, cmd);
  c->count = i;
  emit_setting (P, c);
  return TRUE;
}

gboolean
mmr_parse_cmd_causality (Parser *P, const MmrToken *cmd)
{
  static const char *const words[] = { "vv", "dvv", "history" };
  static const MmrCausality values[] = {
    MMR_CAUSALITY_VV, MMR_CAUSALITY_DVV, MMR_CAUSALITY_HISTORY,
  };
  g_auto (MmrToken) t = { 0 };
  MmrCommand *c;
  int i;

  if (!need_word (P, &t, "'causality' needs vv, dvv or history, "
                  "e.g. 'causality dvv'")
      || (i = mmr_parse_choice (P, &t, words, 3, "vv, dvv or history")) < 0
      || !expect_end (P))
    return FALSE;
  c = mmr_parse_command_new (P, MMR_CMD_CAUSALITY, cmd);
  c->causality = values[i];
  emit_setting (P, c);
  return TRUE;
}

gboolean
mmr_parse_cmd_clock (Parser *P, const MmrToken *cmd)
{
  static const char *const words[] = { "physical", "lamport", "hlc" };
  static const MmrClockSource values[] = {
    MMR_CLOCK_PHYSICAL, MMR_CLOCK_LAMPORT, MMR_CLOCK_HLC,
  };
  g_auto (MmrToken) t = { 0 };
  MmrCommand *c;
  int i;

  if (!need_word (P, &t, "'clock' needs physical, lamport or hlc, "
                  "e.g. 'clock hlc'")
      || (i = mmr_parse_choice (P, &t, words, 3,
                            "physical, lamport or hlc")) < 0
      || !expect_end (P))
    return FALSE;
  /* DOC: clock-mid-run
   * Physical and HLC stamps are both microseconds of the replica's clock,
   * so a run may switch between them and old and new stamps still
   * compare. A Lamport stamp is a counter: mixed with microseconds, LWW
   * would let any older write beat a newer one. */
  if (!P->in_header && (values[i] == MMR_CLOCK_LAMPORT)
                       != (P->clock == MMR_CLOCK_LAMPORT))
    return fail (P, cmd->col, values[i] == MMR_CLOCK_LAMPORT
                 ? "'clock %s' must come before the first action (line %u): "
                   "Lamport stamps are counters and do not compare with the "
                   "stamps in microseconds already written"
                 : "'clock %s' must come before the first action (line %u): "
                   "its stamps are microseconds and do not compare with the "
                   "Lamport stamps already written",
                 words[i], P->first_action_line);
  if (!P->in_header)
    P->clock = values[i];
  c = mmr_parse_command_new (P, MMR_CMD_CLOCK, cmd);
  c->clock = values[i];
  emit_setting (P, c);
  return TRUE;
}

gboolean
mmr_parse_cmd_antientropy (Parser *P, const MmrToken *cmd)
{
  g_auto (MmrToken) t = { 0 };
  gint64 us = 0;
  MmrCommand *c;

  static const char *const modes[] = { "digest", "merkle", "full" };

  if (!need_word (P, &t, "'antientropy' needs an interval, off, or a mode "
                  "(digest, merkle, full), e.g. 'antientropy 100ms'"))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    if (strcmp (t.text, modes[i]) == 0)
      {
        if (!expect_end (P))
          return FALSE;
        c = mmr_parse_command_new (P, MMR_CMD_AE_MODE, cmd);
        c->count = i;
        emit_setting (P, c);
        return TRUE;
      }
  if (strcmp (t.text, "off") != 0)
    {
      if (!mmr_duration_parse (t.text, FALSE, &us))
        return fail (P, t.col, "expected an interval like 100ms or 2s, "
                     "off, digest, merkle or full, got '%s'", t.text);
      if (us == 0)
        return fail (P, t.col, "an anti-entropy interval must be greater "
                     "than 0; write 'antientropy off' to turn it off");
    }
  if (!expect_end (P))
    return FALSE;
  c = mmr_parse_command_new (P, MMR_CMD_ANTIENTROPY, cmd);
  c->us = us;
  emit_setting (P, c);
  return TRUE;
}

/* --------------------------------------------------------------- links */

/* "10ms" or "5ms..50ms". */
static gboolean
parse_latency (Parser *P, const MmrToken *t, MmrCommand *c)
{
  const char *s = t->text, *dots = strstr (s, "..");
  g_autofree char *lo = NULL;

  if (dots == NULL)
    {
      if (!mmr_parse_duration_at (P, s, t->col, &c->us))
        return FALSE;
      c->us_max = c->us;
      return TRUE;
    }
  lo = g_strndup (s, (gsize) (dots - s));
  if (*lo == '\0' || dots[2] == '\0')
    return fail (P, t->col, "expected a latency range like 5ms..50ms, "
                 "got '%s'", s);
  if (!mmr_parse_duration_at (P, lo, t->col, &c->us)
      || !mmr_parse_duration_at (P, dots + 2,
                                 mmr_lexer_sub_col (t, (gsize) (dots + 2 - s)),
                                 &c->us_max))
    return FALSE;
  if (c->us > c->us_max)
    return fail (P, t->col, "a latency range goes from low to high, "
                 "e.g. 5ms..50ms, got '%s'", s);
  return TRUE;
}

static gboolean
parse_link_value (Parser *P, const MmrToken *t, MmrCommand *c)
{
  static const char *const on_off[] = { "on", "off" };
  int i;

  switch (c->kind)
    {
    case MMR_CMD_LATENCY:
      return parse_latency (P, t, c);
    case MMR_CMD_LOSS:
    case MMR_CMD_DUPLICATE:
      return mmr_parse_probability (P, t, &c->prob);
    case MMR_CMD_REORDER:
      if ((i = mmr_parse_choice (P, t, on_off, 2, "on or off")) < 0)
        return FALSE;
      c->flag = i == 0;
      return TRUE;
    default:
      g_assert_not_reached ();
    }
  return FALSE;
}

/* latency, loss, duplicate, reorder: [A->B | A<->B] value. A two-way
 * link becomes two one-way commands, because REORDER already uses flag
 * for on/off and the runner then needs no special case. */
static gboolean
link_setting (Parser *P, const MmrToken *cmd, MmrCommandKind kind,
              const char *missing)
{
  g_autoptr (MmrCommand) c = mmr_parse_command_new (P, kind, cmd);
  g_auto (MmrToken) t = { 0 };
  gboolean both = FALSE;

  if (!need_word (P, &t, "%s", missing))
    return FALSE;
  if (strstr (t.text, "->") != NULL
      && (!mmr_parse_link (P, &t, &c->link_from, &c->link_to, &both)
          || !need_word (P, &t, "%s", missing)))
    return FALSE;
  if (!parse_link_value (P, &t, c) || !expect_end (P))
    return FALSE;
  if (both)
    {
      MmrCommand *back = command_reverse (c);

      mmr_parse_add_command (P, g_steal_pointer (&c));
      mmr_parse_add_command (P, back);
    }
  else
    emit_setting (P, g_steal_pointer (&c));
  return TRUE;
}

gboolean
mmr_parse_cmd_latency (Parser *P, const MmrToken *cmd)
{
  return link_setting (P, cmd, MMR_CMD_LATENCY,
                       "'latency' needs a duration, e.g. 'latency 10ms', "
                       "'latency 5ms..50ms' or 'latency A->B 80ms'");
}

gboolean
mmr_parse_cmd_loss (Parser *P, const MmrToken *cmd)
{
  return link_setting (P, cmd, MMR_CMD_LOSS,
                       "'loss' needs a probability, e.g. 'loss 0.1' "
                       "or 'loss A->B 0.5'");
}

gboolean
mmr_parse_cmd_duplicate (Parser *P, const MmrToken *cmd)
{
  return link_setting (P, cmd, MMR_CMD_DUPLICATE,
                       "'duplicate' needs a probability, e.g. "
                       "'duplicate 0.05' or 'duplicate A->B 0.5'");
}

gboolean
mmr_parse_cmd_reorder (Parser *P, const MmrToken *cmd)
{
  return link_setting (P, cmd, MMR_CMD_REORDER,
                       "'reorder' needs on or off, e.g. 'reorder on' "
                       "or 'reorder A->B on'");
}
