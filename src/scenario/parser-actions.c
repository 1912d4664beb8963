/* parser-actions.c - what a scenario does: writes, faults, time
 *
 * The lines after the header that change the run: a replica's writes
 * (put, del, and the operations on CRDT keys), clients and their reads
 * and writes, CRDT type declarations, faults (partition, cut, heal,
 * crash, restart, skew, drift), time (run, settle) and manual delivery
 * (deliver, drop). Each becomes one MmrCommand (a two-way link two) that
 * the runner replays in order.
 *
 * Interface (parser-private.h): one mmr_parse_cmd_*() per command word,
 * mmr_parse_cmd_replica() for a line that starts with a replica's name,
 * mmr_parse_cmd_client_action() for one that starts with a client's,
 * and mmr_parse_is_replica_action().
 * Invariant: an operation on a CRDT key is checked on a scratch state, so
 * a bad argument is a parse error with its column, never a failure
 * halfway through a run.
 *
 * Taught in docs/scenario-language.md ("Writes", "Faults", "Time",
 * "Manual delivery").
 */
#include "scenario/parser-private.h"

#include <string.h>

#include "core/duration.h"
#include "crdt/crdt.h"

/* -------------------------------------------------------------- writes */

/* Actions a line may start with after a replica's name. */
static const char *const REPLICA_ACTIONS[] = {
  "put", "del", "incr", "decr", "add", "rem", "set",
};

gboolean
mmr_parse_is_replica_action (const char *s)
{
  return mmr_lexer_is_one_of (s, REPLICA_ACTIONS, G_N_ELEMENTS (REPLICA_ACTIONS));
}

static gboolean
cmd_key_action (Parser *P, const MmrToken *cmd, int replica,
                MmrCommandKind kind)
{
  const char *name = P->script->config.names[replica];
  g_autoptr (MmrCommand) c = mmr_parse_command_new (P, kind, cmd);
  g_auto (MmrToken) t = { 0 };
  g_autofree char *missing = kind == MMR_CMD_PUT
    ? g_strdup_printf ("'put' needs a key and a value, e.g. '%s put cart "
                       "milk'", name)
    : g_strdup_printf ("'del' needs a key, e.g. '%s del cart'", name);

  c->replica = replica;
  if (!need_word (P, &t, "%s", missing)
      || !mmr_parse_key (P, &t, &c->key, &c->field))
    return FALSE;
  if (g_hash_table_contains (P->types, c->key))
    {
      MmrCrdtType type = GPOINTER_TO_UINT (g_hash_table_lookup (P->types,
                                                                c->key)) - 1;
      g_autofree char *ops =
        g_strjoinv (", ", (char **) mmr_crdt_type_get_ops (type));

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
  mmr_parse_add_command (P, g_steal_pointer (&c));
  return TRUE;
}

/* "A incr likes 3", "A add tags red": an operation on a CRDT key. */
static gboolean
cmd_crdt_op (Parser *P, const MmrToken *cmd, int replica, const MmrToken *op)
{
  const char *name = P->script->config.names[replica];
  g_autoptr (MmrCommand) c = mmr_parse_command_new (P, MMR_CMD_OP, cmd);
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
  mmr_parse_add_command (P, g_steal_pointer (&c));
  return TRUE;
}

/* "A put ...", "A del ...", "A incr ...": the line starts with a
 * replica's name. */
gboolean
mmr_parse_cmd_replica (Parser *P, const MmrToken *cmd, int replica)
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
  hint = mmr_lexer_closest_word (t.text, REPLICA_ACTIONS,
                                 G_N_ELEMENTS (REPLICA_ACTIONS));
  if (hint != NULL)
    return fail (P, t.col, "unknown action '%s' for replica %s; did you mean "
                 "'%s'?", t.text, name, hint);
  return fail (P, t.col, "unknown action '%s' for replica %s; expected put, "
               "del, or an operation on a CRDT key (incr, decr, add, rem, set)",
               t.text, name);
}

/* --------------------------------------------------- clients and types */

/* "client alice at A": a named client bound to one replica. */
gboolean
mmr_parse_cmd_client (Parser *P, const MmrToken *cmd)
{
  g_autoptr (MmrCommand) c = mmr_parse_command_new (P, MMR_CMD_CLIENT, cmd);
  g_auto (MmrToken) name = { 0 };
  g_auto (MmrToken) at = { 0 };
  g_auto (MmrToken) rep = { 0 };
  static const char *const at_word[] = { "at" };

  if (!need_word (P, &name, "'client' needs a name and a replica, e.g. "
                  "'client alice at A'"))
    return FALSE;
  if (!mmr_parse_is_name (name.text) || mmr_parse_is_reserved (name.text))
    return fail (P, name.col, "'%s' cannot name a client: use letters, digits, "
                 "'_' and '-', starting with a letter, and no word of the "
                 "language", name.text);
  if (mmr_parse_find_replica (P, name.text) >= 0)
    return fail (P, name.col, "'%s' is a replica; a client needs another name",
                 name.text);
  if (g_hash_table_contains (P->clients, name.text))
    return fail (P, name.col, "client '%s' is already declared", name.text);
  if (!need_word (P, &at, "expected 'at' and a replica, e.g. 'client %s at "
                  "A'", name.text)
      || mmr_parse_choice (P, &at, at_word, 1, "'at'") < 0
      || !need_word (P, &rep, "expected a replica after 'at', e.g. 'client %s "
                     "at A'", name.text)
      || (c->replica = mmr_parse_need_replica (P, &rep)) < 0
      || !expect_end (P))
    return FALSE;
  c->client = g_strdup (name.text);
  g_hash_table_insert (P->clients, g_strdup (name.text),
                       GINT_TO_POINTER (c->replica + 1));
  mmr_parse_add_command (P, g_steal_pointer (&c));
  return TRUE;
}

/* "alice get cart", "alice put cart milk", "alice del cart". */
gboolean
mmr_parse_cmd_client_action (Parser *P, const MmrToken *cmd, int replica)
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
      || (a = mmr_parse_choice (P, &t, actions, 3, "get, put or del")) < 0)
    return FALSE;
  c = mmr_parse_command_new (P, kinds[a], cmd);
  c->client = g_strdup (cmd->text);
  c->replica = replica;
  if (!need_word (P, &k, "'%s' needs a key, e.g. '%s %s cart%s'", t.text,
                  cmd->text, t.text, a == 1 ? " milk" : "")
      || !mmr_parse_key (P, &k, &c->key, &c->field))
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
  mmr_parse_add_command (P, g_steal_pointer (&c));
  return TRUE;
}

/* "type likes pncounter": the key holds a CRDT of that type. */
gboolean
mmr_parse_cmd_type (Parser *P, const MmrToken *cmd)
{
  g_autoptr (MmrCommand) c = mmr_parse_command_new (P, MMR_CMD_TYPE, cmd);
  g_auto (MmrToken) k = { 0 };
  g_auto (MmrToken) t = { 0 };
  g_autoptr (GError) error = NULL;
  MmrCrdtType type;

  if (!need_word (P, &k, "'type' needs a key and a CRDT type, e.g. 'type "
                  "likes pncounter'")
      || !mmr_parse_key (P, &k, &c->key, &c->field))
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
  mmr_parse_add_command (P, g_steal_pointer (&c));
  return TRUE;
}

/* -------------------------------------------------------------- faults */

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
          int i = mmr_parse_find_replica (P, name);

          if (i < 0)
            return mmr_parse_fail_unknown_replica (P, name, col);
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

gboolean
mmr_parse_cmd_partition (Parser *P, const MmrToken *cmd)
{
  g_autoptr (MmrCommand) c = mmr_parse_command_new (P, MMR_CMD_PARTITION, cmd);
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
  mmr_parse_add_command (P, g_steal_pointer (&c));
  return TRUE;
}

gboolean
mmr_parse_cmd_cut (Parser *P, const MmrToken *cmd)
{
  g_autoptr (MmrCommand) c = mmr_parse_command_new (P, MMR_CMD_CUT, cmd);
  g_auto (MmrToken) t = { 0 };

  if (!need_word (P, &t, "'cut' needs a link, e.g. 'cut A->B' or "
                  "'cut A<->B'")
      || !mmr_parse_link (P, &t, &c->link_from, &c->link_to, &c->flag)
      || !expect_end (P))
    return FALSE;
  mmr_parse_add_command (P, g_steal_pointer (&c));
  return TRUE;
}

gboolean
mmr_parse_cmd_heal (Parser *P, const MmrToken *cmd)
{
  g_autoptr (MmrCommand) c = mmr_parse_command_new (P, MMR_CMD_HEAL, cmd);
  g_auto (MmrToken) t = { 0 };
  int r = mmr_lexer_next (&P->L, FALSE, &t);

  c->flag = TRUE;   /* plain "heal": every link, both ways */
  if (r < 0)
    return FALSE;
  if (r == 1 && t.is_quoted)
    return fail (P, t.col, "quotes are only allowed around values, got %.*s",
                 (int) t.raw_len, t.raw);
  if (r == 1 && (!mmr_parse_link (P, &t, &c->link_from, &c->link_to, &c->flag)
                 || !expect_end (P)))
    return FALSE;
  mmr_parse_add_command (P, g_steal_pointer (&c));
  return TRUE;
}

/* "crash B", "restart B". */
static gboolean
cmd_crash_restart (Parser *P, const MmrToken *cmd)
{
  gboolean is_crash = strcmp (cmd->text, "crash") == 0;
  g_autoptr (MmrCommand) c = mmr_parse_command_new (P, is_crash ? MMR_CMD_CRASH
                                                      : MMR_CMD_RESTART, cmd);
  g_auto (MmrToken) t = { 0 };

  if (!need_word (P, &t, "'%s' needs a replica, e.g. '%s B'", cmd->text,
                  cmd->text)
      || (c->replica = mmr_parse_need_replica (P, &t)) < 0
      || !expect_end (P))
    return FALSE;
  mmr_parse_add_command (P, g_steal_pointer (&c));
  return TRUE;
}

gboolean
mmr_parse_cmd_crash (Parser *P, const MmrToken *cmd)
{
  return cmd_crash_restart (P, cmd);
}

gboolean
mmr_parse_cmd_skew (Parser *P, const MmrToken *cmd)
{
  static const char missing[] =
    "'skew' needs a replica and a clock offset, e.g. 'skew B +5s'";
  g_autoptr (MmrCommand) c = mmr_parse_command_new (P, MMR_CMD_SKEW, cmd);
  g_auto (MmrToken) t = { 0 };

  if (!need_word (P, &t, "%s", missing)
      || (c->replica = mmr_parse_need_replica (P, &t)) < 0
      || !need_word (P, &t, "%s", missing))
    return FALSE;
  if (!mmr_duration_parse (t.text, TRUE, &c->us))
    return fail (P, t.col, "expected a clock offset like +5s, -200ms or 5s, "
                 "got '%s'", t.text);
  if (!expect_end (P))
    return FALSE;
  mmr_parse_add_command (P, g_steal_pointer (&c));
  return TRUE;
}

gboolean
mmr_parse_cmd_drift (Parser *P, const MmrToken *cmd)
{
  static const char missing[] =
    "'drift' needs a replica and a rate, e.g. 'drift B 200ppm'";
  g_autoptr (MmrCommand) c = mmr_parse_command_new (P, MMR_CMD_DRIFT, cmd);
  g_auto (MmrToken) t = { 0 };
  gboolean out_of_range;

  if (!need_word (P, &t, "%s", missing)
      || (c->replica = mmr_parse_need_replica (P, &t)) < 0
      || !need_word (P, &t, "%s", missing))
    return FALSE;
  if (!mmr_parse_ppm (t.text, &c->count, &out_of_range))
    return fail (P, t.col, out_of_range
                 ? "a drift must be between -1000000ppm and 1000000ppm, "
                   "got '%s'"
                 : "expected a drift like 200ppm or -50ppm, got '%s'",
                 t.text);
  if (!expect_end (P))
    return FALSE;
  mmr_parse_add_command (P, g_steal_pointer (&c));
  return TRUE;
}

/* ---------------------------------------------------------------- time */

gboolean
mmr_parse_cmd_run (Parser *P, const MmrToken *cmd)
{
  g_autoptr (MmrCommand) c = mmr_parse_command_new (P, MMR_CMD_RUN, cmd);
  g_auto (MmrToken) t = { 0 };

  if (!need_word (P, &t, "'run' needs a duration, e.g. 'run 100ms'")
      || !mmr_parse_positive_duration (P, &t, "run", &c->us)
      || !expect_end (P))
    return FALSE;
  mmr_parse_add_command (P, g_steal_pointer (&c));
  return TRUE;
}

gboolean
mmr_parse_cmd_settle (Parser *P, const MmrToken *cmd)
{
  g_autoptr (MmrCommand) c = mmr_parse_command_new (P, MMR_CMD_SETTLE, cmd);
  g_auto (MmrToken) t = { 0 };
  int r = mmr_lexer_next (&P->L, FALSE, &t);

  if (r < 0)
    return FALSE;
  if (r == 1 && (!mmr_parse_positive_duration (P, &t, "settle", &c->us)
                 || !expect_end (P)))
    return FALSE;
  mmr_parse_add_command (P, g_steal_pointer (&c));
  return TRUE;
}

/* ------------------------------------------------- manual delivery (explore)
 * 'delivery manual' (header only, parser-settings.c) stops the links from
 * delivering by themselves; 'deliver A->B' and 'drop A->B' then say which
 * message goes next. mmr explore writes its schedules this way
 * (docs/checking.md). */

/* deliver A->B [N] [copy] | drop A->B [N]: N counts from 1, the oldest
 * message in flight on the link. */
gboolean
mmr_parse_cmd_deliver (Parser *P, const MmrToken *cmd)
{
  gboolean is_drop = strcmp (cmd->text, "drop") == 0;
  g_autoptr (MmrCommand) c = mmr_parse_command_new (P, is_drop ? MMR_CMD_DROP
                                                     : MMR_CMD_DELIVER, cmd);
  g_auto (MmrToken) t = { 0 };
  gboolean both, has_place = FALSE;
  int r;

  if (!P->script->config.is_manual_delivery)
    return fail (P, cmd->col, "'%s' needs 'delivery manual' in the header",
                 cmd->text);
  if (!need_word (P, &t, "'%s' needs a link, e.g. '%s A->B'", cmd->text,
                  cmd->text)
      || !mmr_parse_link (P, &t, &c->link_from, &c->link_to, &both))
    return FALSE;
  if (both)
    return fail (P, t.col, "'%s' takes one direction, e.g. A->B", cmd->text);
  while ((r = mmr_lexer_next (&P->L, FALSE, &t)) == 1)
    {
      if (!is_drop && !t.is_quoted && strcmp (t.text, "copy") == 0
          && !c->flag)
        c->flag = TRUE;
      else if (!t.is_quoted && mmr_parse_all_digits (t.text) && !has_place
               && !c->flag)
        {
          has_place = TRUE;
          if (!mmr_parse_count (P, &t, &c->count))
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
  mmr_parse_add_command (P, g_steal_pointer (&c));
  return TRUE;
}
