/* parser.c - the scenario language, from text to an MmrScript: lines
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
 * This file reads the lines and dispatches on each one's first word; the
 * commands are implemented by concept in parser-values.c,
 * parser-settings.c, parser-actions.c and parser-checks.c
 * (parser-private.h joins them).
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
#include "scenario/parser-private.h"

#include <stdarg.h>
#include <string.h>

G_DEFINE_QUARK (mmr-script-error-quark, mmr_script_error)

/* ------------------------------------------------------------ commands */

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

void
mmr_parse_command_free (MmrCommand *c)
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

MmrCommand *
mmr_parse_command_new (Parser *P, MmrCommandKind kind, const MmrToken *first)
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

void
mmr_parse_add_command (Parser *P, MmrCommand *c)
{
  g_ptr_array_add (P->script->commands, c);
}

/* -------------------------------------------------------------- tokens */

/* Reads the next token into @t; when the line has ended, fails with @fmt
 * where the token should have been. Quotes are refused unless @is_value. */
gboolean
mmr_parse_need_token (Parser *P, MmrToken *t, gboolean is_value,
                      const char *fmt, ...)
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

/* --------------------------------------------------------------- lines */

typedef gboolean (*CommandFunc) (Parser *P, const MmrToken *cmd);

/* Alphabetical: the order the "unknown command" message lists them. */
static const struct {
  const char *name;
  CommandFunc func;
  gboolean is_action;
} COMMANDS[] = {
  { "antientropy", mmr_parse_cmd_antientropy, FALSE },
  { "causality", mmr_parse_cmd_causality, FALSE },
  { "client", mmr_parse_cmd_client, TRUE },
  { "clock", mmr_parse_cmd_clock, FALSE },
  { "crash", mmr_parse_cmd_crash, TRUE },
  { "cut", mmr_parse_cmd_cut, TRUE },
  { "deliver", mmr_parse_cmd_deliver, TRUE },
  { "delivery", mmr_parse_cmd_delivery, FALSE },
  { "drift", mmr_parse_cmd_drift, TRUE },
  { "drop", mmr_parse_cmd_deliver, TRUE },
  { "duplicate", mmr_parse_cmd_duplicate, FALSE },
  { "durability", mmr_parse_cmd_durability, FALSE },
  { "expect", mmr_parse_cmd_expect, TRUE },
  { "granularity", mmr_parse_cmd_granularity, FALSE },
  { "heal", mmr_parse_cmd_heal, TRUE },
  { "latency", mmr_parse_cmd_latency, FALSE },
  { "loss", mmr_parse_cmd_loss, FALSE },
  { "partition", mmr_parse_cmd_partition, TRUE },
  { "reorder", mmr_parse_cmd_reorder, FALSE },
  { "replicas", mmr_parse_cmd_replicas, FALSE },
  { "restart", mmr_parse_cmd_crash, TRUE },
  { "run", mmr_parse_cmd_run, TRUE },
  { "seed", mmr_parse_cmd_seed, FALSE },
  { "settle", mmr_parse_cmd_settle, TRUE },
  { "skew", mmr_parse_cmd_skew, TRUE },
  { "strategy", mmr_parse_cmd_strategy, FALSE },
  { "type", mmr_parse_cmd_type, TRUE },
};

static gboolean
is_command_word (const char *s)
{
  for (gsize i = 0; i < G_N_ELEMENTS (COMMANDS); i++)
    if (strcmp (s, COMMANDS[i].name) == 0)
      return TRUE;
  return FALSE;
}

/* A replica may not be called like a word of the language, or
 * "expect lost 1" and "run put x y" would read two ways. */
gboolean
mmr_parse_is_reserved (const char *s)
{
  return is_command_word (s) || strcmp (s, "get") == 0
         || strcmp (s, "at") == 0 || mmr_parse_is_replica_action (s)
         || mmr_parse_is_check_word (s);
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
    return mmr_parse_fail_unknown_replica (P, first->text, first->col);
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
    return mmr_parse_cmd_replicas (P, first);
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
          mmr_parse_begin_action (P);
        return COMMANDS[i].func (P, first);
      }
  if ((replica = mmr_parse_find_replica (P, first->text)) >= 0)
    {
      mmr_parse_begin_action (P);
      return mmr_parse_cmd_replica (P, first, replica);
    }
  if (g_hash_table_contains (P->clients, first->text))
    {
      mmr_parse_begin_action (P);
      return mmr_parse_cmd_client_action (
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
    g_ptr_array_new_with_free_func ((GDestroyNotify) mmr_parse_command_free);
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
