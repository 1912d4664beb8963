/* parser-checks.c - expectations: what a scenario says must hold
 *
 * "expect" lines check the run where they stand: converged or diverged,
 * a replica's value of a key ("= milk", "= {eggs, milk}", "absent"), the
 * number of siblings, lost writes or conflicts. A word after "expect"
 * that is neither a check nor a replica gets a "did you mean".
 *
 * Interface (parser-private.h): mmr_parse_cmd_expect(),
 * mmr_parse_is_check_word().
 * Invariant: an expected value set is sorted and unique
 * (mmr_parse_values), so the runner compares two sorted lists.
 *
 * Taught in docs/scenario-language.md ("Checks").
 */
#include "scenario/parser-private.h"

#include <string.h>

static const char *const EXPECT_WORDS[] = {
  "converged", "diverged", "lost", "conflicts", "siblings",
};

gboolean
mmr_parse_is_check_word (const char *s)
{
  return mmr_lexer_is_one_of (s, EXPECT_WORDS, G_N_ELEMENTS (EXPECT_WORDS));
}

/* "expect A cart = milk", "expect A cart absent". */
static gboolean
expect_key (Parser *P, const MmrToken *cmd, int replica)
{
  static const char *const ops[] = { "=", "absent" };
  const char *name = P->script->config.names[replica];
  g_autoptr (MmrCommand) c =
    mmr_parse_command_new (P, MMR_CMD_EXPECT_VALUE, cmd);
  g_auto (MmrToken) t = { 0 };
  int op;

  c->replica = replica;
  if (!need_word (P, &t, "'expect %s' needs a key, e.g. 'expect %s cart = "
                  "milk' or 'expect %s cart absent'", name, name, name)
      || !mmr_parse_key (P, &t, &c->key, &c->field))
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
           || (op = mmr_parse_choice (P, &t, ops, 2,
                                  "'=' or 'absent' after the key")) < 0)
    return FALSE;
  if (op == 1)
    c->kind = MMR_CMD_EXPECT_ABSENT;
  else if (!mmr_parse_values (P, c))
    return FALSE;
  if (!expect_end (P))
    return FALSE;
  mmr_parse_add_command (P, g_steal_pointer (&c));
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
    return mmr_parse_fail_unknown_replica (P, t->text, t->col);
  return fail (P, t->col, "unknown check '%s'; expected converged, diverged, "
               "lost, conflicts or a replica name", t->text);
}

gboolean
mmr_parse_cmd_expect (Parser *P, const MmrToken *cmd)
{
  g_autoptr (MmrCommand) c = NULL;
  g_auto (MmrToken) t = { 0 };
  gboolean is_lost = FALSE;
  int replica;

  if (!need_word (P, &t, "'expect' needs something to check, e.g. 'expect "
                  "converged', 'expect A cart = milk' or 'expect lost 0'"))
    return FALSE;
  if ((replica = mmr_parse_find_replica (P, t.text)) >= 0)
    return expect_key (P, cmd, replica);
  if (strcmp (t.text, "siblings") == 0)
    {
      g_auto (MmrToken) r = { 0 };
      g_auto (MmrToken) k = { 0 };

      c = mmr_parse_command_new (P, MMR_CMD_EXPECT_SIBLINGS, cmd);
      if (!need_word (P, &r, "'expect siblings' needs a replica, a key and a "
                      "count, e.g. 'expect siblings A cart 2'")
          || (c->replica = mmr_parse_need_replica (P, &r)) < 0
          || !need_word (P, &k, "'expect siblings' needs a key and a count, "
                         "e.g. 'expect siblings A cart 2'")
          || !mmr_parse_key (P, &k, &c->key, &c->field)
          || !need_word (P, &t, "'expect siblings' needs a count, e.g. "
                         "'expect siblings A cart 2'")
          || !mmr_parse_count (P, &t, &c->count))
        return FALSE;
    }
  else if (strcmp (t.text, "converged") == 0
           || strcmp (t.text, "diverged") == 0)
    {
      c = mmr_parse_command_new (P, MMR_CMD_EXPECT_CONVERGED, cmd);
      c->flag = t.text[0] == 'c';
    }
  else if ((is_lost = strcmp (t.text, "lost") == 0)
           || strcmp (t.text, "conflicts") == 0)
    {
      const char *what = is_lost ? "lost" : "conflicts";

      c = mmr_parse_command_new (P, is_lost ? MMR_CMD_EXPECT_LOST
                                  : MMR_CMD_EXPECT_CONFLICTS, cmd);
      if (!need_word (P, &t, "'expect %s' needs a count, e.g. 'expect %s 0'",
                      what, what)
          || !mmr_parse_count (P, &t, &c->count))
        return FALSE;
    }
  else
    return fail_unknown_check (P, &t);
  if (!expect_end (P))
    return FALSE;
  mmr_parse_add_command (P, g_steal_pointer (&c));
  return TRUE;
}
