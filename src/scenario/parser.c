/* parser.c - the scenario language, from text to an MmrScript
 *
 * A scenario (.mmr file) is a small line-oriented language: one command
 * per line, tokens separated by spaces or tabs. The first line names the
 * replicas; the lines up to the first action form the header, which sets
 * the world's starting configuration; everything else becomes a list of
 * commands that the runner replays in order.
 *
 * How a line is read - UTF-8 without control characters, comments, blanks
 * between tokens, "quoted values" - is the lexer's business
 * (src/scenario/lexer.c, shared with the lab files). Each command's
 * function pulls the tokens it expects one at a time, so when something
 * else comes it knows what was expected instead.
 *
 * Errors: parsing stops at the first one, so a script parses whole or not
 * at all and nothing runs half-checked. Every message reads
 * "FILE:LINE:COL: what was wrong; what was expected" (lexer.h says how
 * COL is counted).
 *
 * Interface:
 *   mmr_script_parse()            text -> script (MMR_SCRIPT_ERROR_SYNTAX)
 *   mmr_script_load()             file -> script (also MMR_SCRIPT_ERROR_IO)
 *   mmr_script_free()
 *   mmr_command_kind_to_string()  "put", "expect-value", ...
 *
 * Invariants of a returned script: 2..16 replicas whose names are valid,
 * unique and not words of the language; every replica index in a command
 * is below n_replicas; expected value sets are sorted (strcmp) and
 * unique; every number is in range.
 *
 * Taught in docs/scenario-language.md.
 */
#include "scenario/script.h"
#include "scenario/lexer.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/duration.h"
#include "crdt/crdt.h"
#include "store/merge-fn.h"

G_DEFINE_QUARK (mmr-script-error-quark, mmr_script_error)

/* ---------------------------------------------------------------- commands */

static const char *const KIND_NAMES[MMR_CMD_N_KINDS] = {
  [MMR_CMD_STRATEGY] = "strategy",
  [MMR_CMD_CLOCK] = "clock",
  [MMR_CMD_LATENCY] = "latency",
  [MMR_CMD_LOSS] = "loss",
  [MMR_CMD_DUPLICATE] = "duplicate",
  [MMR_CMD_REORDER] = "reorder",
  [MMR_CMD_ANTIENTROPY] = "antientropy",
  [MMR_CMD_CAUSALITY] = "causality",
  [MMR_CMD_DURABILITY] = "durability",
  [MMR_CMD_AE_MODE] = "antientropy-mode",
  [MMR_CMD_CRASH] = "crash",
  [MMR_CMD_RESTART] = "restart",
  [MMR_CMD_CLIENT] = "client",
  [MMR_CMD_CLIENT_GET] = "client-get",
  [MMR_CMD_CLIENT_PUT] = "client-put",
  [MMR_CMD_CLIENT_DEL] = "client-del",
  [MMR_CMD_TYPE] = "type",
  [MMR_CMD_OP] = "op",
  [MMR_CMD_DELIVER] = "deliver",
  [MMR_CMD_DROP] = "drop",
  [MMR_CMD_EXPECT_SIBLINGS] = "expect-siblings",
  [MMR_CMD_PUT] = "put",
  [MMR_CMD_DEL] = "del",
  [MMR_CMD_PARTITION] = "partition",
  [MMR_CMD_CUT] = "cut",
  [MMR_CMD_HEAL] = "heal",
  [MMR_CMD_SKEW] = "skew",
  [MMR_CMD_DRIFT] = "drift",
  [MMR_CMD_RUN] = "run",
  [MMR_CMD_SETTLE] = "settle",
  [MMR_CMD_EXPECT_CONVERGED] = "expect-converged",
  [MMR_CMD_EXPECT_VALUE] = "expect-value",
  [MMR_CMD_EXPECT_ABSENT] = "expect-absent",
  [MMR_CMD_EXPECT_LOST] = "expect-lost",
  [MMR_CMD_EXPECT_CONFLICTS] = "expect-conflicts",
};

const char *
mmr_command_kind_to_string (MmrCommandKind kind)
{
  g_return_val_if_fail ((guint) kind < MMR_CMD_N_KINDS, NULL);
  return KIND_NAMES[kind];
}

static void
command_free (MmrCommand *c)
{
  if (c == NULL)
    return;
  g_free (c->key);
  g_free (c->field);
  g_free (c->value);
  g_clear_pointer (&c->values, g_ptr_array_unref);
  g_free (c->client);
  g_free (c->op);
  g_free (c->text);
  g_free (c);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MmrCommand, command_free)

void
mmr_script_free (MmrScript *script)
{
  if (script == NULL)
    return;
  g_free (script->filename);
  g_free (script->source);
  mmr_world_config_clear (&script->config);
  g_clear_pointer (&script->commands, g_ptr_array_unref);
  g_free (script);
}

/* ----------------------------------------------------------------- parser */

typedef struct {
  MmrLexer L;              /* the file, its current line, the first error */
  MmrScript *script;
  gboolean in_header;      /* no action seen yet */
  guint replicas_line;
  guint seed_line;
  guint granularity_line;
  guint first_action_line;
  MmrClockSource clock;    /* after the header: the clock at this line */
  GHashTable *clients;     /* client name -> replica index + 1 */
  GHashTable *types;       /* key -> MmrCrdtType + 1 (declared CRDT keys) */
} Parser;

/* Every error names the file, line and column (lexer.c keeps the first). */
#define fail(P, col, ...) mmr_lexer_fail (&(P)->L, (col), __VA_ARGS__)
#define fail_missing(P, ...) mmr_lexer_fail_missing (&(P)->L, __VA_ARGS__)

static gboolean need_token (Parser *P, MmrToken *t, gboolean is_value,
                            const char *fmt, ...) G_GNUC_PRINTF (4, 5);

/* Reads the next token into @t; when the line has ended, fails with @fmt
 * where the token should have been. Quotes are refused unless @is_value. */
static gboolean
need_token (Parser *P, MmrToken *t, gboolean is_value, const char *fmt, ...)
{
  va_list ap;
  gboolean ok;

  va_start (ap, fmt);
  ok = mmr_lexer_needv (&P->L, t, fmt, ap);
  va_end (ap);
  if (ok && t->is_quoted && !is_value)
    return fail (P, t->col, "quotes are only allowed around values, got %.*s",
                 (int) t->raw_len, t->raw);
  return ok;
}

#define need_word(P, t, ...) need_token ((P), (t), FALSE, __VA_ARGS__)
#define need_value(P, t, ...) need_token ((P), (t), TRUE, __VA_ARGS__)
#define expect_end(P) mmr_lexer_expect_end (&(P)->L, "command")

/* ------------------------------------------------------------------- words */

/* Index of @t in @words, or -1 after an error "expected @expected". */
static int
parse_choice (Parser *P, const MmrToken *t, const char *const *words,
              gsize n_words, const char *expected)
{
  const char *hint;

  for (gsize i = 0; i < n_words; i++)
    if (strcmp (t->text, words[i]) == 0)
      return (int) i;
  hint = mmr_lexer_closest_word (t->text, words, n_words);
  if (hint != NULL)
    fail (P, t->col, "expected %s, got '%s'; did you mean '%s'?", expected,
          t->text, hint);
  else
    fail (P, t->col, "expected %s, got '%s'", expected, t->text);
  return -1;
}

static gboolean
all_digits (const char *s)
{
  if (*s == '\0')
    return FALSE;
  for (; *s != '\0'; s++)
    if (!g_ascii_isdigit (*s))
      return FALSE;
  return TRUE;
}

/* Plain decimal digits only: no sign, no spaces, no 0x. */
static gboolean
parse_unsigned (const char *s, guint64 max, guint64 *out)
{
  return all_digits (s)
         && g_ascii_string_to_unsigned (s, 10, 0, max, out, NULL);
}

static gboolean
parse_count (Parser *P, const MmrToken *t, gint64 *out)
{
  guint64 v;

  if (!parse_unsigned (t->text, G_MAXINT64, &v))
    return fail (P, t->col, "expected a count (a whole number), got '%s'",
                 t->text);
  *out = (gint64) v;
  return TRUE;
}

static gboolean
parse_duration_at (Parser *P, const char *text, guint col, gint64 *out_us)
{
  if (mmr_duration_parse (text, FALSE, out_us))
    return TRUE;
  return fail (P, col, "expected a duration like 250us, 10ms or 2s, got '%s'",
               text);
}

static gboolean
parse_positive_duration (Parser *P, const MmrToken *t, const char *what,
                         gint64 *out_us)
{
  if (!parse_duration_at (P, t->text, t->col, out_us))
    return FALSE;
  if (*out_us == 0)
    return fail (P, t->col, "'%s' needs a duration greater than 0, got '%s'",
                 what, t->text);
  return TRUE;
}

/* "0", "0.25", ".5", "1": no sign, no exponent, nothing after. */
static gboolean
parse_probability (Parser *P, const MmrToken *t, double *out)
{
  const char *s = t->text;
  gsize i = 0, digits = 0;
  double v = 2.0;

  for (; g_ascii_isdigit (s[i]); i++)
    digits++;
  if (s[i] == '.')
    for (i++; g_ascii_isdigit (s[i]); i++)
      digits++;
  if (digits > 0 && s[i] == '\0')
    v = g_ascii_strtod (s, NULL);
  if (v > 1.0)
    return fail (P, t->col, "expected a probability between 0 and 1, got '%s'",
                 s);
  *out = v;
  return TRUE;
}

/* "200ppm", "-50ppm", "+7ppm". */
static gboolean
parse_ppm (const char *s, gint64 *out, gboolean *out_of_range)
{
  gint64 sign = 1, v = 0;
  gsize digits = 0;

  *out_of_range = FALSE;
  if (*s == '+' || *s == '-')
    sign = *s++ == '-' ? -1 : 1;
  for (; g_ascii_isdigit (*s); s++, digits++)
    if (v <= 1000000)
      v = v * 10 + (*s - '0');
  if (digits == 0 || strcmp (s, "ppm") != 0)
    return FALSE;
  if (v > 1000000)
    {
      *out_of_range = TRUE;
      return FALSE;
    }
  *out = sign * v;
  return TRUE;
}

/* --------------------------------------------------------------- replicas */

static const char *const EXPECT_WORDS[] = {
  "converged", "diverged", "lost", "conflicts", "siblings",
};

/* Actions a line may start with after a replica's name. */
static const char *const REPLICA_ACTIONS[] = {
  "put", "del", "incr", "decr", "add", "rem", "set",
};

static gboolean is_command_word (const char *s);

/* A replica may not be called like a word of the language, or
 * "expect lost 1" and "run put x y" would read two ways. */
static gboolean
is_reserved (const char *s)
{
  if (is_command_word (s) || strcmp (s, "get") == 0 || strcmp (s, "at") == 0)
    return TRUE;
  for (gsize i = 0; i < G_N_ELEMENTS (REPLICA_ACTIONS); i++)
    if (strcmp (s, REPLICA_ACTIONS[i]) == 0)
      return TRUE;
  for (gsize i = 0; i < G_N_ELEMENTS (EXPECT_WORDS); i++)
    if (strcmp (s, EXPECT_WORDS[i]) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
is_name (const char *s)
{
  if (!g_ascii_isalpha (*s))
    return FALSE;
  for (s++; *s != '\0'; s++)
    if (!g_ascii_isalnum (*s) && *s != '_' && *s != '-')
      return FALSE;
  return TRUE;
}

static int
find_replica (const Parser *P, const char *name)
{
  const MmrWorldConfig *cfg = &P->script->config;

  for (guint i = 0; i < cfg->n_replicas; i++)
    if (strcmp (cfg->names[i], name) == 0)
      return (int) i;
  return -1;
}

static gboolean
fail_unknown_replica (Parser *P, const char *name, guint col)
{
  const MmrWorldConfig *cfg = &P->script->config;
  const char *hint = mmr_lexer_closest_word (name, (const char *const *) cfg->names,
                                   cfg->n_replicas);
  g_autoptr (GString) list = g_string_new (NULL);

  if (hint != NULL)
    return fail (P, col, "unknown replica '%s'; did you mean '%s'?", name,
                 hint);
  for (guint i = 0; i < cfg->n_replicas; i++)
    g_string_append_printf (list, "%s%s", i > 0 ? ", " : "", cfg->names[i]);
  return fail (P, col, "unknown replica '%s'; this scenario has replicas %s",
               name, list->str);
}

static int
need_replica (Parser *P, const MmrToken *t)
{
  int i = find_replica (P, t->text);

  if (i < 0)
    fail_unknown_replica (P, t->text, t->col);
  return i;
}

/* "A->B" (one direction) or "A<->B" (*out_both). Names cannot contain '<'
 * or '>', so the first arrow is the arrow even in "eu-1->us-2". */
static gboolean
parse_link (Parser *P, const MmrToken *t, int *out_from, int *out_to,
            gboolean *out_both)
{
  const char *s = t->text;
  const char *arrow = strstr (s, "<->");
  gsize arrow_len = 3;
  g_autofree char *left = NULL;
  const char *right;
  int from, to;

  if (arrow == NULL)
    {
      arrow = strstr (s, "->");
      arrow_len = 2;
    }
  if (arrow != NULL)
    {
      left = g_strndup (s, (gsize) (arrow - s));
      right = arrow + arrow_len;
    }
  if (arrow == NULL || !is_name (left) || !is_name (right))
    return fail (P, t->col, "expected a link like A->B or A<->B, got '%s'", s);
  if ((from = find_replica (P, left)) < 0)
    return fail_unknown_replica (P, left, t->col);
  if ((to = find_replica (P, right)) < 0)
    return fail_unknown_replica (P, right, mmr_lexer_sub_col (t, (gsize) (right - s)));
  if (from == to)
    return fail (P, t->col,
                 "a link joins two different replicas, got '%s'", s);
  *out_from = from;
  *out_to = to;
  *out_both = arrow_len == 3;
  return TRUE;
}

/* "cart" -> "cart", ""; "user.name" -> "user", "name". */
static gboolean
parse_key (Parser *P, const MmrToken *t, char **out_key, char **out_field)
{
  const char *s = t->text, *dot = NULL;

  for (const char *q = s; *q != '\0'; q = g_utf8_next_char (q))
    {
      if (*q == '.' && dot != NULL)
        return fail (P, mmr_lexer_sub_col (t, (gsize) (q - s)),
                     "a key has at most one dot (record.field), got '%s'", s);
      if (*q == '.')
        dot = q;
      else if (!g_ascii_isalnum (*q) && strchr ("_:/-", *q) == NULL)
        return fail (P, mmr_lexer_sub_col (t, (gsize) (q - s)),
                     "unexpected '%.*s' in key '%s'; a key is made of "
                     "letters, digits and _ : / -", mmr_lexer_char_len (q), q, s);
    }
  if (dot == s)
    return fail (P, t->col, "expected a record name before the dot in '%s'",
                 s);
  if (dot != NULL && dot[1] == '\0')
    return fail (P, mmr_lexer_sub_col (t, (gsize) (dot - s)),
                 "expected a field name after the dot in '%s'", s);
  *out_key = dot != NULL ? g_strndup (s, (gsize) (dot - s)) : g_strdup (s);
  *out_field = g_strdup (dot != NULL ? dot + 1 : "");
  return TRUE;
}

/* ---------------------------------------------------------------- emitting */

static MmrCommand *
command_new (Parser *P, MmrCommandKind kind, const MmrToken *first)
{
  MmrCommand *c = g_new0 (MmrCommand, 1);

  c->kind = kind;
  c->line = P->L.line_no;
  c->col = first->col;
  c->replica = c->link_from = c->link_to = -1;
  for (guint i = 0; i < MMR_MAX_REPLICAS; i++)
    c->group_of[i] = -1;
  c->text = g_strstrip (g_strdup (P->L.line));
  return c;
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

static void
add_command (Parser *P, MmrCommand *c)
{
  g_ptr_array_add (P->script->commands, c);
}

/* DOC: header-end
 * The header ends at the first action, a declaration ("type", "client")
 * included: from there on the configuration is final, and a setting is a
 * command that runs at its place in the run. */
static void
begin_action (Parser *P)
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
      add_command (P, c);
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
  command_free (c);
}

/* ---------------------------------------------------------------- settings */

static gboolean
cmd_replicas (Parser *P, const MmrToken *cmd)
{
  MmrWorldConfig *cfg = &P->script->config;
  g_auto (MmrToken) t = { 0 };
  int r;

  if (cfg->n_replicas > 0)
    return fail (P, cmd->col, "the replicas are already declared on line %u",
                 P->replicas_line);
  while ((r = mmr_lexer_next (&P->L, FALSE, &t)) == 1)
    {
      if (t.is_quoted || !is_name (t.text))
        return fail (P, t.col, "invalid replica name '%.*s'; a name is a "
                     "letter followed by letters, digits, _ or -",
                     (int) t.raw_len, t.raw);
      if (is_reserved (t.text))
        return fail (P, t.col, "'%s' is a word of the scenario language and "
                     "cannot name a replica", t.text);
      if (find_replica (P, t.text) >= 0)
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

static gboolean
cmd_seed (Parser *P, const MmrToken *cmd)
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
  if (!parse_unsigned (t.text, G_MAXUINT64, &seed))
    return fail (P, t.col, "expected a seed, a whole number from 0 to "
                 "%" G_GUINT64_FORMAT ", got '%s'", G_MAXUINT64, t.text);
  if (!expect_end (P))
    return FALSE;
  P->script->config.seed = seed;
  P->script->has_seed = TRUE;
  P->seed_line = P->L.line_no;
  return TRUE;
}

static gboolean
cmd_granularity (Parser *P, const MmrToken *cmd)
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
      || (i = parse_choice (P, &t, words, 2, "record or field")) < 0
      || !expect_end (P))
    return FALSE;
  P->script->config.granularity = values[i];
  P->granularity_line = P->L.line_no;
  return TRUE;
}

static gboolean
cmd_strategy (Parser *P, const MmrToken *cmd)
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
      || (i = parse_choice (P, &t, words, 3, "lww, siblings or merge")) < 0)
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
  c = command_new (P, MMR_CMD_STRATEGY, cmd);
  c->strategy = values[i];
  c->value = g_steal_pointer (&fn.text);
  emit_setting (P, c);
  return TRUE;
}

static gboolean
cmd_durability (Parser *P, const MmrToken *cmd)
{
  static const char *const words[] = { "none", "sync", "async" };
  g_auto (MmrToken) t = { 0 };
  MmrCommand *c;
  int i;

  if (!need_word (P, &t, "'durability' needs none, sync or async, "
                  "e.g. 'durability sync'")
      || (i = parse_choice (P, &t, words, 3, "none, sync or async")) < 0
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
  c = command_new (P, MMR_CMD_DURABILITY, cmd);
  c->count = i;
  emit_setting (P, c);
  return TRUE;
}

/* "crash B", "restart B". */
static gboolean
cmd_crash_restart (Parser *P, const MmrToken *cmd)
{
  gboolean is_crash = strcmp (cmd->text, "crash") == 0;
  g_autoptr (MmrCommand) c = command_new (P, is_crash ? MMR_CMD_CRASH
                                                      : MMR_CMD_RESTART, cmd);
  g_auto (MmrToken) t = { 0 };

  if (!need_word (P, &t, "'%s' needs a replica, e.g. '%s B'", cmd->text,
                  cmd->text)
      || (c->replica = need_replica (P, &t)) < 0
      || !expect_end (P))
    return FALSE;
  add_command (P, g_steal_pointer (&c));
  return TRUE;
}

static gboolean
cmd_crash (Parser *P, const MmrToken *cmd)
{
  return cmd_crash_restart (P, cmd);
}

static gboolean
cmd_causality (Parser *P, const MmrToken *cmd)
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
      || (i = parse_choice (P, &t, words, 3, "vv, dvv or history")) < 0
      || !expect_end (P))
    return FALSE;
  c = command_new (P, MMR_CMD_CAUSALITY, cmd);
  c->causality = values[i];
  emit_setting (P, c);
  return TRUE;
}

static gboolean
cmd_clock (Parser *P, const MmrToken *cmd)
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
      || (i = parse_choice (P, &t, words, 3,
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
  c = command_new (P, MMR_CMD_CLOCK, cmd);
  c->clock = values[i];
  emit_setting (P, c);
  return TRUE;
}

static gboolean
cmd_antientropy (Parser *P, const MmrToken *cmd)
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
        c = command_new (P, MMR_CMD_AE_MODE, cmd);
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
  c = command_new (P, MMR_CMD_ANTIENTROPY, cmd);
  c->us = us;
  emit_setting (P, c);
  return TRUE;
}

/* "10ms" or "5ms..50ms". */
static gboolean
parse_latency (Parser *P, const MmrToken *t, MmrCommand *c)
{
  const char *s = t->text, *dots = strstr (s, "..");
  g_autofree char *lo = NULL;

  if (dots == NULL)
    {
      if (!parse_duration_at (P, s, t->col, &c->us))
        return FALSE;
      c->us_max = c->us;
      return TRUE;
    }
  lo = g_strndup (s, (gsize) (dots - s));
  if (*lo == '\0' || dots[2] == '\0')
    return fail (P, t->col, "expected a latency range like 5ms..50ms, "
                 "got '%s'", s);
  if (!parse_duration_at (P, lo, t->col, &c->us)
      || !parse_duration_at (P, dots + 2, mmr_lexer_sub_col (t, (gsize) (dots + 2 - s)),
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
      return parse_probability (P, t, &c->prob);
    case MMR_CMD_REORDER:
      if ((i = parse_choice (P, t, on_off, 2, "on or off")) < 0)
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
  g_autoptr (MmrCommand) c = command_new (P, kind, cmd);
  g_auto (MmrToken) t = { 0 };
  gboolean both = FALSE;

  if (!need_word (P, &t, "%s", missing))
    return FALSE;
  if (strstr (t.text, "->") != NULL
      && (!parse_link (P, &t, &c->link_from, &c->link_to, &both)
          || !need_word (P, &t, "%s", missing)))
    return FALSE;
  if (!parse_link_value (P, &t, c) || !expect_end (P))
    return FALSE;
  if (both)
    {
      MmrCommand *back = command_reverse (c);

      add_command (P, g_steal_pointer (&c));
      add_command (P, back);
    }
  else
    emit_setting (P, g_steal_pointer (&c));
  return TRUE;
}

static gboolean
cmd_latency (Parser *P, const MmrToken *cmd)
{
  return link_setting (P, cmd, MMR_CMD_LATENCY,
                       "'latency' needs a duration, e.g. 'latency 10ms', "
                       "'latency 5ms..50ms' or 'latency A->B 80ms'");
}

static gboolean
cmd_loss (Parser *P, const MmrToken *cmd)
{
  return link_setting (P, cmd, MMR_CMD_LOSS,
                       "'loss' needs a probability, e.g. 'loss 0.1' "
                       "or 'loss A->B 0.5'");
}

static gboolean
cmd_duplicate (Parser *P, const MmrToken *cmd)
{
  return link_setting (P, cmd, MMR_CMD_DUPLICATE,
                       "'duplicate' needs a probability, e.g. "
                       "'duplicate 0.05' or 'duplicate A->B 0.5'");
}

static gboolean
cmd_reorder (Parser *P, const MmrToken *cmd)
{
  return link_setting (P, cmd, MMR_CMD_REORDER,
                       "'reorder' needs on or off, e.g. 'reorder on' "
                       "or 'reorder A->B on'");
}

/* ----------------------------------------------------------------- actions */

static gboolean
cmd_key_action (Parser *P, const MmrToken *cmd, int replica, MmrCommandKind kind)
{
  const char *name = P->script->config.names[replica];
  g_autoptr (MmrCommand) c = command_new (P, kind, cmd);
  g_auto (MmrToken) t = { 0 };
  g_autofree char *missing = kind == MMR_CMD_PUT
    ? g_strdup_printf ("'put' needs a key and a value, e.g. '%s put cart "
                       "milk'", name)
    : g_strdup_printf ("'del' needs a key, e.g. '%s del cart'", name);

  c->replica = replica;
  if (!need_word (P, &t, "%s", missing)
      || !parse_key (P, &t, &c->key, &c->field))
    return FALSE;
  if (g_hash_table_contains (P->types, c->key))
    {
      MmrCrdtType type = GPOINTER_TO_UINT (g_hash_table_lookup (P->types,
                                                                c->key)) - 1;
      g_autofree char *ops = g_strjoinv (", ",
                                         (char **) mmr_crdt_type_get_ops (type));

      return fail (P, t.col, "'%s' is a %s; use one of its operations: %s",
                   c->key, mmr_crdt_type_to_string (type), ops);
    }
  if (kind == MMR_CMD_PUT)
    {
      if (!need_value (P, &t, "%s", missing))
        return FALSE;
      c->value = g_steal_pointer (&t.text);
    }
  if (!expect_end (P))
    return FALSE;
  add_command (P, g_steal_pointer (&c));
  return TRUE;
}

/* "A incr likes 3", "A add tags red": an operation on a CRDT key. */
static gboolean
cmd_crdt_op (Parser *P, const MmrToken *cmd, int replica, const MmrToken *op)
{
  const char *name = P->script->config.names[replica];
  g_autoptr (MmrCommand) c = command_new (P, MMR_CMD_OP, cmd);
  g_auto (MmrToken) t = { 0 };
  gpointer type_p;
  MmrCrdtType type;
  const char *const *ops;
  gboolean known = FALSE;

  c->replica = replica;
  c->op = g_strdup (op->text);
  if (!need_word (P, &t, "'%s' needs a key, e.g. '%s %s likes'", op->text,
                  name, op->text))
    return FALSE;
  type_p = g_hash_table_lookup (P->types, t.text);
  if (type_p == NULL)
    return fail (P, t.col, "'%s' is not a CRDT key: declare it first, e.g. "
                 "'type %s pncounter'", t.text, t.text);
  type = GPOINTER_TO_UINT (type_p) - 1;
  ops = mmr_crdt_type_get_ops (type);
  for (guint i = 0; ops[i] != NULL; i++)
    known |= strcmp (ops[i], op->text) == 0;
  if (!known)
    {
      g_autofree char *list = g_strjoinv (", ", (char **) ops);

      return fail (P, op->col, "a %s has no operation '%s'; expected one of: "
                   "%s", mmr_crdt_type_to_string (type), op->text, list);
    }
  c->key = g_steal_pointer (&t.text);
  c->field = g_strdup ("");
  if (mmr_lexer_next (&P->L, TRUE, &t) == 1)
    c->value = g_strdup (t.text);
  else if (P->L.error != NULL)
    return FALSE;
  if (!expect_end (P))
    return FALSE;
  {
    /* Check the argument now, on a scratch state, so that a bad one is a
     * parse error with its column and not a failure halfway through. */
    g_autoptr (MmrCrdt) scratch = mmr_crdt_new (type, 0);
    g_autoptr (MmrCrdt) delta = NULL;
    g_autoptr (GError) error = NULL;

    delta = mmr_crdt_apply (scratch, c->op, c->value, &error);
    if (delta == NULL)
      return fail (P, c->value != NULL ? t.col : op->col, "%s",
                   error->message);
  }
  add_command (P, g_steal_pointer (&c));
  return TRUE;
}

/* "A put ...", "A del ...", "A incr ...": the line starts with a
 * replica's name. */
static gboolean
cmd_replica (Parser *P, const MmrToken *cmd, int replica)
{
  const char *name = P->script->config.names[replica];
  g_auto (MmrToken) t = { 0 };
  const char *hint;

  if (!need_word (P, &t, "'%s' needs an action, e.g. '%s put cart milk' or "
                  "'%s del cart'", name, name, name))
    return FALSE;
  if (strcmp (t.text, "put") == 0)
    return cmd_key_action (P, cmd, replica, MMR_CMD_PUT);
  if (strcmp (t.text, "del") == 0)
    return cmd_key_action (P, cmd, replica, MMR_CMD_DEL);
  for (gsize i = 2; i < G_N_ELEMENTS (REPLICA_ACTIONS); i++)
    if (strcmp (t.text, REPLICA_ACTIONS[i]) == 0)
      return cmd_crdt_op (P, cmd, replica, &t);
  hint = mmr_lexer_closest_word (t.text, REPLICA_ACTIONS, G_N_ELEMENTS (REPLICA_ACTIONS));
  if (hint != NULL)
    return fail (P, t.col, "unknown action '%s' for replica %s; did you mean "
                 "'%s'?", t.text, name, hint);
  return fail (P, t.col, "unknown action '%s' for replica %s; expected put, "
               "del, or an operation on a CRDT key (incr, decr, add, rem, set)",
               t.text, name);
}

/* "client alice at A": a named client bound to one replica. */
static gboolean
cmd_client (Parser *P, const MmrToken *cmd)
{
  g_autoptr (MmrCommand) c = command_new (P, MMR_CMD_CLIENT, cmd);
  g_auto (MmrToken) name = { 0 };
  g_auto (MmrToken) at = { 0 };
  g_auto (MmrToken) rep = { 0 };
  static const char *const at_word[] = { "at" };

  if (!need_word (P, &name, "'client' needs a name and a replica, e.g. "
                  "'client alice at A'"))
    return FALSE;
  if (!is_name (name.text) || is_reserved (name.text))
    return fail (P, name.col, "'%s' cannot name a client: use letters, digits, "
                 "'_' and '-', starting with a letter, and no word of the "
                 "language", name.text);
  if (find_replica (P, name.text) >= 0)
    return fail (P, name.col, "'%s' is a replica; a client needs another name",
                 name.text);
  if (g_hash_table_contains (P->clients, name.text))
    return fail (P, name.col, "client '%s' is already declared", name.text);
  if (!need_word (P, &at, "expected 'at' and a replica, e.g. 'client %s at "
                  "A'", name.text)
      || parse_choice (P, &at, at_word, 1, "'at'") < 0
      || !need_word (P, &rep, "expected a replica after 'at', e.g. 'client %s "
                     "at A'", name.text)
      || (c->replica = need_replica (P, &rep)) < 0
      || !expect_end (P))
    return FALSE;
  c->client = g_strdup (name.text);
  g_hash_table_insert (P->clients, g_strdup (name.text),
                       GINT_TO_POINTER (c->replica + 1));
  add_command (P, g_steal_pointer (&c));
  return TRUE;
}

/* "alice get cart", "alice put cart milk", "alice del cart". */
static gboolean
cmd_client_action (Parser *P, const MmrToken *cmd, int replica)
{
  static const char *const actions[] = { "get", "put", "del" };
  static const MmrCommandKind kinds[] = {
    MMR_CMD_CLIENT_GET, MMR_CMD_CLIENT_PUT, MMR_CMD_CLIENT_DEL,
  };
  g_autoptr (MmrCommand) c = NULL;
  g_auto (MmrToken) t = { 0 };
  g_auto (MmrToken) k = { 0 };
  int a;

  if (!need_word (P, &t, "'%s' needs an action, e.g. '%s get cart' or '%s "
                  "put cart milk'", cmd->text, cmd->text, cmd->text)
      || (a = parse_choice (P, &t, actions, 3, "get, put or del")) < 0)
    return FALSE;
  c = command_new (P, kinds[a], cmd);
  c->client = g_strdup (cmd->text);
  c->replica = replica;
  if (!need_word (P, &k, "'%s' needs a key, e.g. '%s %s cart%s'", t.text,
                  cmd->text, t.text, a == 1 ? " milk" : "")
      || !parse_key (P, &k, &c->key, &c->field))
    return FALSE;
  if (g_hash_table_contains (P->types, c->key))
    return fail (P, k.col, "'%s' is a CRDT key; clients read and write plain "
                 "keys", c->key);
  if (a == 1)
    {
      if (!need_value (P, &k, "'put' needs a value, e.g. '%s put cart milk'",
                       cmd->text))
        return FALSE;
      c->value = g_steal_pointer (&k.text);
    }
  if (!expect_end (P))
    return FALSE;
  add_command (P, g_steal_pointer (&c));
  return TRUE;
}

/* "type likes pncounter": the key holds a CRDT of that type. */
static gboolean
cmd_type (Parser *P, const MmrToken *cmd)
{
  g_autoptr (MmrCommand) c = command_new (P, MMR_CMD_TYPE, cmd);
  g_auto (MmrToken) k = { 0 };
  g_auto (MmrToken) t = { 0 };
  g_autoptr (GError) error = NULL;
  MmrCrdtType type;

  if (!need_word (P, &k, "'type' needs a key and a CRDT type, e.g. 'type "
                  "likes pncounter'")
      || !parse_key (P, &k, &c->key, &c->field))
    return FALSE;
  if (*c->field != '\0')
    return fail (P, k.col, "a CRDT key is a whole key, not a field: use an "
                 "ormap for fields");
  if (g_hash_table_contains (P->types, c->key))
    return fail (P, k.col, "'%s' already has a type", c->key);
  if (!need_word (P, &t, "'type %s' needs a CRDT type: gcounter, pncounter, "
                  "gset, 2pset, orset, lwwreg, mvreg or ormap", c->key))
    return FALSE;
  if (!mmr_crdt_type_from_string (t.text, &type, &error))
    return fail (P, t.col, "unknown CRDT type '%s'; expected gcounter, "
                 "pncounter, gset, 2pset, orset, lwwreg, mvreg or ormap",
                 t.text);
  if (!expect_end (P))
    return FALSE;
  c->value = g_strdup (t.text);
  g_hash_table_insert (P->types, g_strdup (c->key),
                       GUINT_TO_POINTER ((guint) type + 1));
  add_command (P, g_steal_pointer (&c));
  return TRUE;
}

/* One piece of a partition: a name, or '|' closing the current group. A
 * '|' may touch the names ("A B|C"), so each token is split at '|'. */
static gboolean
partition_token (Parser *P, const MmrToken *t, MmrCommand *c, int *group,
                 guint *in_group)
{
  const char *s = t->text;

  for (;;)
    {
      const char *bar = strchr (s, '|');
      gsize n = bar != NULL ? (gsize) (bar - s) : strlen (s);
      guint col = mmr_lexer_sub_col (t, (gsize) (s - t->text));

      if (n > 0)
        {
          g_autofree char *name = g_strndup (s, n);
          int i = find_replica (P, name);

          if (i < 0)
            return fail_unknown_replica (P, name, col);
          if (c->group_of[i] >= 0)
            return fail (P, col, "replica '%s' appears twice in the "
                         "partition", name);
          c->group_of[i] = *group;
          (*in_group)++;
        }
      if (bar == NULL)
        return TRUE;
      if (*in_group == 0)
        return fail (P, mmr_lexer_sub_col (t, (gsize) (bar - t->text)),
                     "expected a replica name before '|'");
      (*group)++;
      *in_group = 0;
      s = bar + 1;
    }
}

static gboolean
cmd_partition (Parser *P, const MmrToken *cmd)
{
  g_autoptr (MmrCommand) c = command_new (P, MMR_CMD_PARTITION, cmd);
  g_auto (MmrToken) t = { 0 };
  int group = 0, r;
  guint in_group = 0;

  while ((r = mmr_lexer_next (&P->L, FALSE, &t)) == 1)
    {
      if (t.is_quoted)
        return fail (P, t.col, "quotes are only allowed around values, "
                     "got %.*s", (int) t.raw_len, t.raw);
      if (!partition_token (P, &t, c, &group, &in_group))
        return FALSE;
    }
  if (r < 0)
    return FALSE;
  if (group > 0 && in_group == 0)
    return fail_missing (P, "expected a replica name after '|'");
  if (group == 0)
    return fail_missing (P, "'partition' needs two or more groups separated "
                         "by |, e.g. 'partition A B | C'");
  add_command (P, g_steal_pointer (&c));
  return TRUE;
}

static gboolean
cmd_cut (Parser *P, const MmrToken *cmd)
{
  g_autoptr (MmrCommand) c = command_new (P, MMR_CMD_CUT, cmd);
  g_auto (MmrToken) t = { 0 };

  if (!need_word (P, &t, "'cut' needs a link, e.g. 'cut A->B' or "
                  "'cut A<->B'")
      || !parse_link (P, &t, &c->link_from, &c->link_to, &c->flag)
      || !expect_end (P))
    return FALSE;
  add_command (P, g_steal_pointer (&c));
  return TRUE;
}

static gboolean
cmd_heal (Parser *P, const MmrToken *cmd)
{
  g_autoptr (MmrCommand) c = command_new (P, MMR_CMD_HEAL, cmd);
  g_auto (MmrToken) t = { 0 };
  int r = mmr_lexer_next (&P->L, FALSE, &t);

  c->flag = TRUE;   /* plain "heal": every link, both ways */
  if (r < 0)
    return FALSE;
  if (r == 1 && t.is_quoted)
    return fail (P, t.col, "quotes are only allowed around values, got %.*s",
                 (int) t.raw_len, t.raw);
  if (r == 1 && (!parse_link (P, &t, &c->link_from, &c->link_to, &c->flag)
                 || !expect_end (P)))
    return FALSE;
  add_command (P, g_steal_pointer (&c));
  return TRUE;
}

static gboolean
cmd_skew (Parser *P, const MmrToken *cmd)
{
  static const char missing[] =
    "'skew' needs a replica and a clock offset, e.g. 'skew B +5s'";
  g_autoptr (MmrCommand) c = command_new (P, MMR_CMD_SKEW, cmd);
  g_auto (MmrToken) t = { 0 };

  if (!need_word (P, &t, "%s", missing)
      || (c->replica = need_replica (P, &t)) < 0
      || !need_word (P, &t, "%s", missing))
    return FALSE;
  if (!mmr_duration_parse (t.text, TRUE, &c->us))
    return fail (P, t.col, "expected a clock offset like +5s, -200ms or 5s, "
                 "got '%s'", t.text);
  if (!expect_end (P))
    return FALSE;
  add_command (P, g_steal_pointer (&c));
  return TRUE;
}

static gboolean
cmd_drift (Parser *P, const MmrToken *cmd)
{
  static const char missing[] =
    "'drift' needs a replica and a rate, e.g. 'drift B 200ppm'";
  g_autoptr (MmrCommand) c = command_new (P, MMR_CMD_DRIFT, cmd);
  g_auto (MmrToken) t = { 0 };
  gboolean out_of_range;

  if (!need_word (P, &t, "%s", missing)
      || (c->replica = need_replica (P, &t)) < 0
      || !need_word (P, &t, "%s", missing))
    return FALSE;
  if (!parse_ppm (t.text, &c->count, &out_of_range))
    return fail (P, t.col, out_of_range
                 ? "a drift must be between -1000000ppm and 1000000ppm, "
                   "got '%s'"
                 : "expected a drift like 200ppm or -50ppm, got '%s'",
                 t.text);
  if (!expect_end (P))
    return FALSE;
  add_command (P, g_steal_pointer (&c));
  return TRUE;
}

static gboolean
cmd_run (Parser *P, const MmrToken *cmd)
{
  g_autoptr (MmrCommand) c = command_new (P, MMR_CMD_RUN, cmd);
  g_auto (MmrToken) t = { 0 };

  if (!need_word (P, &t, "'run' needs a duration, e.g. 'run 100ms'")
      || !parse_positive_duration (P, &t, "run", &c->us)
      || !expect_end (P))
    return FALSE;
  add_command (P, g_steal_pointer (&c));
  return TRUE;
}

static gboolean
cmd_settle (Parser *P, const MmrToken *cmd)
{
  g_autoptr (MmrCommand) c = command_new (P, MMR_CMD_SETTLE, cmd);
  g_auto (MmrToken) t = { 0 };
  int r = mmr_lexer_next (&P->L, FALSE, &t);

  if (r < 0)
    return FALSE;
  if (r == 1 && (!parse_positive_duration (P, &t, "settle", &c->us)
                 || !expect_end (P)))
    return FALSE;
  add_command (P, g_steal_pointer (&c));
  return TRUE;
}

/* ------------------------------------------------- manual delivery (explore)
 * 'delivery manual' (header only) stops the links from delivering by
 * themselves; 'deliver A->B' and 'drop A->B' then say which message goes
 * next. mmr explore writes its schedules this way (docs/checking.md). */

static gboolean
cmd_delivery (Parser *P, const MmrToken *cmd)
{
  static const char *const words[] = { "auto", "manual" };
  g_auto (MmrToken) t = { 0 };
  int i;

  if (!P->in_header)
    return fail (P, cmd->col, "'delivery' must come before the first "
                 "action (line %u)", P->first_action_line);
  if (!need_word (P, &t, "'delivery' needs auto or manual, "
                  "e.g. 'delivery manual'")
      || (i = parse_choice (P, &t, words, 2, "auto or manual")) < 0
      || !expect_end (P))
    return FALSE;
  P->script->config.is_manual_delivery = i == 1;
  return TRUE;
}

/* deliver A->B [N] [copy] | drop A->B [N]: N counts from 1, the oldest
 * message in flight on the link. */
static gboolean
cmd_deliver (Parser *P, const MmrToken *cmd)
{
  gboolean is_drop = strcmp (cmd->text, "drop") == 0;
  g_autoptr (MmrCommand) c = command_new (P, is_drop ? MMR_CMD_DROP
                                                     : MMR_CMD_DELIVER, cmd);
  g_auto (MmrToken) t = { 0 };
  gboolean both, has_place = FALSE;
  int r;

  if (!P->script->config.is_manual_delivery)
    return fail (P, cmd->col, "'%s' needs 'delivery manual' in the header",
                 cmd->text);
  if (!need_word (P, &t, "'%s' needs a link, e.g. '%s A->B'", cmd->text,
                  cmd->text)
      || !parse_link (P, &t, &c->link_from, &c->link_to, &both))
    return FALSE;
  if (both)
    return fail (P, t.col, "'%s' takes one direction, e.g. A->B", cmd->text);
  while ((r = mmr_lexer_next (&P->L, FALSE, &t)) == 1)
    {
      if (!is_drop && !t.is_quoted && strcmp (t.text, "copy") == 0
          && !c->flag)
        c->flag = TRUE;
      else if (!t.is_quoted && all_digits (t.text) && !has_place && !c->flag)
        {
          has_place = TRUE;
          if (!parse_count (P, &t, &c->count))
            return FALSE;
          if (c->count < 1 || c->count > G_MAXUINT)
            return fail (P, t.col, "a message's place on its link counts "
                         "from 1, got '%s'", t.text);
          c->count--;
        }
      else
        return fail (P, t.col, is_drop
                     ? "expected the message's place on the link, e.g. "
                       "'drop A->B 2', got '%s'"
                     : "expected the message's place on the link or "
                       "'copy', e.g. 'deliver A->B 2 copy', got '%s'",
                     t.text);
    }
  if (r < 0)
    return FALSE;
  add_command (P, g_steal_pointer (&c));
  return TRUE;
}

/* ------------------------------------------------------------------ checks */

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* "{eggs, milk}": the '{' is next. */
static gboolean
parse_value_set (Parser *P, GPtrArray *values)
{
  g_auto (MmrToken) t = { 0 };
  guint open_col;
  int r;

  mmr_lexer_next (&P->L, TRUE, &t);
  open_col = t.col;
  for (;;)
    {
      if ((r = mmr_lexer_next (&P->L, TRUE, &t)) < 0)
        return FALSE;
      if (r == 0)
        return fail_missing (P, "expected a value and '}' to close the set "
                             "opened at column %u", open_col);
      if (!t.is_quoted && strcmp (t.text, "}") == 0 && values->len == 0)
        return fail (P, t.col, "an empty set never matches; "
                     "write 'absent' to expect no value");
      if (!t.is_quoted && mmr_lexer_is_set_punct (t.text[0]))
        return fail (P, t.col, "expected a value, got '%s'", t.text);
      g_ptr_array_add (values, g_steal_pointer (&t.text));
      if ((r = mmr_lexer_next (&P->L, TRUE, &t)) < 0)
        return FALSE;
      if (r == 0)
        return fail_missing (P, "expected ',' or '}' to close the set "
                             "opened at column %u", open_col);
      if (t.is_quoted || (strcmp (t.text, ",") != 0
                          && strcmp (t.text, "}") != 0))
        return fail (P, t.col, "expected ',' or '}' in the value set, "
                     "got '%.*s'", (int) t.raw_len, t.raw);
      if (strcmp (t.text, "}") == 0)
        return TRUE;
    }
}

/* After "=": one value, or a set in braces. Sorted and de-duplicated, so
 * the checker compares two sorted lists. */
static gboolean
parse_values (Parser *P, MmrCommand *c)
{
  g_auto (MmrToken) t = { 0 };

  c->values = g_ptr_array_new_with_free_func (g_free);
  mmr_lexer_skip_blanks (&P->L);
  if (*P->L.p == '{')
    {
      if (!parse_value_set (P, c->values))
        return FALSE;
    }
  else
    {
      if (!need_value (P, &t, "expected a value or a set like {eggs, milk} "
                       "after '='"))
        return FALSE;
      g_ptr_array_add (c->values, g_steal_pointer (&t.text));
    }
  g_ptr_array_sort (c->values, compare_strings);
  for (guint i = 1; i < c->values->len;)
    if (strcmp (c->values->pdata[i - 1], c->values->pdata[i]) == 0)
      g_ptr_array_remove_index (c->values, i);
    else
      i++;
  return TRUE;
}

/* "expect A cart = milk", "expect A cart absent". */
static gboolean
expect_key (Parser *P, const MmrToken *cmd, int replica)
{
  static const char *const ops[] = { "=", "absent" };
  const char *name = P->script->config.names[replica];
  g_autoptr (MmrCommand) c = command_new (P, MMR_CMD_EXPECT_VALUE, cmd);
  g_auto (MmrToken) t = { 0 };
  int op;

  c->replica = replica;
  if (!need_word (P, &t, "'expect %s' needs a key, e.g. 'expect %s cart = "
                  "milk' or 'expect %s cart absent'", name, name, name)
      || !parse_key (P, &t, &c->key, &c->field))
    return FALSE;
  mmr_lexer_skip_blanks (&P->L);
  if (*P->L.p == '=')   /* may touch what follows: "={eggs,milk}" */
    {
      P->L.p++;
      P->L.end_col = mmr_lexer_col_at (&P->L, P->L.p);
      op = 0;
    }
  else if (!need_word (P, &t, "expected '=' or 'absent' after the key, "
                       "e.g. 'expect %s cart = milk'", name)
           || (op = parse_choice (P, &t, ops, 2,
                                  "'=' or 'absent' after the key")) < 0)
    return FALSE;
  if (op == 1)
    c->kind = MMR_CMD_EXPECT_ABSENT;
  else if (!parse_values (P, c))
    return FALSE;
  if (!expect_end (P))
    return FALSE;
  add_command (P, g_steal_pointer (&c));
  return TRUE;
}

/* A word after "expect" that is neither a check nor a replica: a typo of
 * a check word, or (when a key follows) an unknown replica. */
static gboolean
fail_unknown_check (Parser *P, const MmrToken *t)
{
  const char *hint = mmr_lexer_closest_word (t->text, EXPECT_WORDS,
                                   G_N_ELEMENTS (EXPECT_WORDS));

  if (hint != NULL)
    return fail (P, t->col, "unknown check '%s'; did you mean '%s'?", t->text,
                 hint);
  mmr_lexer_skip_blanks (&P->L);
  if (*P->L.p != '\0')
    return fail_unknown_replica (P, t->text, t->col);
  return fail (P, t->col, "unknown check '%s'; expected converged, diverged, "
               "lost, conflicts or a replica name", t->text);
}

static gboolean
cmd_expect (Parser *P, const MmrToken *cmd)
{
  g_autoptr (MmrCommand) c = NULL;
  g_auto (MmrToken) t = { 0 };
  gboolean is_lost = FALSE;
  int replica;

  if (!need_word (P, &t, "'expect' needs something to check, e.g. 'expect "
                  "converged', 'expect A cart = milk' or 'expect lost 0'"))
    return FALSE;
  if ((replica = find_replica (P, t.text)) >= 0)
    return expect_key (P, cmd, replica);
  if (strcmp (t.text, "siblings") == 0)
    {
      g_auto (MmrToken) r = { 0 };
      g_auto (MmrToken) k = { 0 };

      c = command_new (P, MMR_CMD_EXPECT_SIBLINGS, cmd);
      if (!need_word (P, &r, "'expect siblings' needs a replica, a key and a "
                      "count, e.g. 'expect siblings A cart 2'")
          || (c->replica = need_replica (P, &r)) < 0
          || !need_word (P, &k, "'expect siblings' needs a key and a count, "
                         "e.g. 'expect siblings A cart 2'")
          || !parse_key (P, &k, &c->key, &c->field)
          || !need_word (P, &t, "'expect siblings' needs a count, e.g. "
                         "'expect siblings A cart 2'")
          || !parse_count (P, &t, &c->count))
        return FALSE;
    }
  else if (strcmp (t.text, "converged") == 0 || strcmp (t.text, "diverged") == 0)
    {
      c = command_new (P, MMR_CMD_EXPECT_CONVERGED, cmd);
      c->flag = t.text[0] == 'c';
    }
  else if ((is_lost = strcmp (t.text, "lost") == 0)
           || strcmp (t.text, "conflicts") == 0)
    {
      const char *what = is_lost ? "lost" : "conflicts";

      c = command_new (P, is_lost ? MMR_CMD_EXPECT_LOST
                                  : MMR_CMD_EXPECT_CONFLICTS, cmd);
      if (!need_word (P, &t, "'expect %s' needs a count, e.g. 'expect %s 0'",
                      what, what)
          || !parse_count (P, &t, &c->count))
        return FALSE;
    }
  else
    return fail_unknown_check (P, &t);
  if (!expect_end (P))
    return FALSE;
  add_command (P, g_steal_pointer (&c));
  return TRUE;
}

/* ------------------------------------------------------------------- lines */

typedef gboolean (*CommandFunc) (Parser *P, const MmrToken *cmd);

/* Alphabetical: the order the "unknown command" message lists them. */
static const struct {
  const char *name;
  CommandFunc func;
  gboolean is_action;
} COMMANDS[] = {
  { "antientropy", cmd_antientropy, FALSE },
  { "causality", cmd_causality, FALSE },
  { "client", cmd_client, TRUE },
  { "clock", cmd_clock, FALSE },
  { "crash", cmd_crash, TRUE },
  { "cut", cmd_cut, TRUE },
  { "deliver", cmd_deliver, TRUE },
  { "delivery", cmd_delivery, FALSE },
  { "drift", cmd_drift, TRUE },
  { "drop", cmd_deliver, TRUE },
  { "duplicate", cmd_duplicate, FALSE },
  { "durability", cmd_durability, FALSE },
  { "expect", cmd_expect, TRUE },
  { "granularity", cmd_granularity, FALSE },
  { "heal", cmd_heal, TRUE },
  { "latency", cmd_latency, FALSE },
  { "loss", cmd_loss, FALSE },
  { "partition", cmd_partition, TRUE },
  { "reorder", cmd_reorder, FALSE },
  { "replicas", cmd_replicas, FALSE },
  { "restart", cmd_crash, TRUE },
  { "run", cmd_run, TRUE },
  { "seed", cmd_seed, FALSE },
  { "settle", cmd_settle, TRUE },
  { "skew", cmd_skew, TRUE },
  { "strategy", cmd_strategy, FALSE },
  { "type", cmd_type, TRUE },
};

static gboolean
is_command_word (const char *s)
{
  for (gsize i = 0; i < G_N_ELEMENTS (COMMANDS); i++)
    if (strcmp (s, COMMANDS[i].name) == 0)
      return TRUE;
  return FALSE;
}

/* The first word is neither a command nor a replica. When "put" or "del"
 * follows, it was meant as a replica. */
static gboolean
fail_unknown_command (Parser *P, const MmrToken *first)
{
  const MmrWorldConfig *cfg = &P->script->config;
  const char *words[G_N_ELEMENTS (COMMANDS) + MMR_MAX_REPLICAS];
  g_autoptr (GString) list = g_string_new (NULL);
  g_auto (MmrToken) next = { 0 };
  gsize n = 0;
  const char *hint;

  if (mmr_lexer_next (&P->L, FALSE, &next) == 1 && !next.is_quoted
      && (strcmp (next.text, "put") == 0 || strcmp (next.text, "del") == 0))
    return fail_unknown_replica (P, first->text, first->col);
  g_clear_error (&P->L.error);   /* a lexical error after it is not the news */
  for (gsize i = 0; i < G_N_ELEMENTS (COMMANDS); i++)
    {
      words[n++] = COMMANDS[i].name;
      g_string_append_printf (list, "%s%s", i > 0 ? ", " : "",
                              COMMANDS[i].name);
    }
  for (guint i = 0; i < cfg->n_replicas; i++)
    words[n++] = cfg->names[i];
  hint = mmr_lexer_closest_word (first->text, words, n);
  if (hint != NULL)
    return fail (P, first->col, "unknown command '%s'; did you mean '%s'?",
                 first->text, hint);
  return fail (P, first->col, "unknown command '%s'; expected a replica name "
               "or one of: %s", first->text, list->str);
}

static gboolean
parse_first_line (Parser *P, const MmrToken *first)
{
  static const char *const replicas[] = { "replicas" };

  if (strcmp (first->text, "replicas") == 0)
    return cmd_replicas (P, first);
  if (!is_command_word (first->text)
      && mmr_lexer_closest_word (first->text, replicas, 1) != NULL)
    return fail (P, first->col, "unknown command '%s'; did you mean "
                 "'replicas'?", first->text);
  return fail (P, first->col, "the first line must declare the replicas, "
               "e.g. 'replicas A B C'");
}

static gboolean
parse_command (Parser *P, const MmrToken *first)
{
  int replica;

  for (gsize i = 0; i < G_N_ELEMENTS (COMMANDS); i++)
    if (strcmp (first->text, COMMANDS[i].name) == 0)
      {
        if (COMMANDS[i].is_action)
          begin_action (P);
        return COMMANDS[i].func (P, first);
      }
  if ((replica = find_replica (P, first->text)) >= 0)
    {
      begin_action (P);
      return cmd_replica (P, first, replica);
    }
  if (g_hash_table_contains (P->clients, first->text))
    {
      begin_action (P);
      return cmd_client_action (
          P, first,
          GPOINTER_TO_INT (g_hash_table_lookup (P->clients, first->text)) - 1);
    }
  return fail_unknown_command (P, first);
}

static gboolean
parse_line (Parser *P, guint line_no, const char *start, gsize len)
{
  g_auto (MmrToken) first = { 0 };
  int r;

  if (!mmr_lexer_load_line (&P->L, line_no, start, len))
    return FALSE;
  mmr_lexer_cut_comment (P->L.line);
  if ((r = mmr_lexer_next (&P->L, FALSE, &first)) <= 0)
    return r == 0;
  if (first.is_quoted)
    return fail (P, first.col, "quotes are only allowed around values, "
                 "got %.*s", (int) first.raw_len, first.raw);
  if (P->script->config.n_replicas == 0)
    return parse_first_line (P, &first);
  return parse_command (P, &first);
}

static MmrScript *
parse_text (const char *filename, const char *text, gsize len,
            GError **error)
{
  g_autoptr (MmrScript) script = g_new0 (MmrScript, 1);
  Parser P = { 0 };
  const char *start, *end = text + len;
  gboolean ok = TRUE;
  guint line_no;

  /* A byte order mark is no part of line 1 (lexer.c, DOC: bom). */
  start = mmr_lexer_skip_bom (text);
  len -= (gsize) (start - text);
  script->filename = g_strdup (filename);
  script->source = g_strndup (start, len);
  mmr_world_config_init (&script->config);
  script->commands =
    g_ptr_array_new_with_free_func ((GDestroyNotify) command_free);
  mmr_lexer_init (&P.L, filename, MMR_SCRIPT_ERROR, MMR_SCRIPT_ERROR_SYNTAX,
                  "a scenario", "value");
  P.script = script;
  P.in_header = TRUE;
  P.clients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  P.types = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (line_no = 1; ok; line_no++)
    {
      const char *nl = memchr (start, '\n', (gsize) (end - start));

      ok = parse_line (&P, line_no, start, nl != NULL
                                           ? (gsize) (nl - start)
                                           : (gsize) (end - start));
      if (nl == NULL)
        break;
      start = nl + 1;
    }
  g_clear_pointer (&P.clients, g_hash_table_unref);
  g_clear_pointer (&P.types, g_hash_table_unref);
  if (ok && script->config.n_replicas == 0)
    ok = mmr_lexer_fail_at (&P.L, 1, 1, "the first line must declare the "
                            "replicas, e.g. 'replicas A B C'");
  if (!ok)
    g_propagate_error (error, g_steal_pointer (&P.L.error));
  mmr_lexer_clear (&P.L);
  return ok ? g_steal_pointer (&script) : NULL;
}

MmrScript *
mmr_script_parse (const char *filename, const char *text, GError **error)
{
  g_return_val_if_fail (filename != NULL, NULL);
  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return parse_text (filename, text, strlen (text), error);
}

/* The file whole, so that a NUL byte is reported where it is instead of
 * ending the text. */
MmrScript *
mmr_script_load (const char *path, GError **error)
{
  g_autofree char *text = NULL;
  gsize len = 0;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  text = mmr_lexer_read_file (path, &len, MMR_SCRIPT_ERROR,
                              MMR_SCRIPT_ERROR_IO, error);
  if (text == NULL)
    return NULL;
  return parse_text (path, text, len, error);
}
