/* lab-directives.c - what each line of a lab file does
 *
 * One function per directive (lab, concepts, outline, guide, implement,
 * world, step, section, ask, choices), plus the two kinds of line that are
 * not directives: "> Markdown" instructions and scenario lines. Each
 * function pulls the tokens it expects, so an error can say what was
 * expected instead (the scenario parser's habit).
 *
 * Interface (lab-parser-private.h): mmr_lab_directive_run(),
 * _scenario_line(), _markdown_line(), _close_step(), _exists(), _hint(),
 * _fail_unknown(); and, public, mmr_lab_ask_kind_to_string().
 * Taught in docs/labs.md ("The lab file").
 */
#include "lab/lab-parser-private.h"

#include <stdarg.h>
#include <string.h>

#include "lab/lab-guide.h"
#include "lab/lab-question.h"

#define OUTLINE_SECTIONS 25

static const char *const KIND_NAMES[MMR_LAB_ASK_N_KINDS] = {
  [MMR_LAB_ASK_VALUE] = "value",
  [MMR_LAB_ASK_WINNER] = "winner",
  [MMR_LAB_ASK_RELATION] = "relation",
  [MMR_LAB_ASK_VV] = "vv",
  [MMR_LAB_ASK_CONVERGED] = "converged",
  [MMR_LAB_ASK_LOST_COUNT] = "lost-count",
  [MMR_LAB_ASK_CONFLICT_COUNT] = "conflict-count",
  [MMR_LAB_ASK_SIBLING_COUNT] = "sibling-count",
  [MMR_LAB_ASK_VERSION_COUNT] = "version-count",
  [MMR_LAB_ASK_LOST_WRITES] = "lost-writes",
};

/* How many replicas and whether a key follow each kind's name. */
static const struct {
  guint n_replicas;
  gboolean has_key;
  const char *example;
} KIND_ARGS[MMR_LAB_ASK_N_KINDS] = {
  [MMR_LAB_ASK_VALUE] = { 1, TRUE, "value B cart" },
  [MMR_LAB_ASK_WINNER] = { 0, TRUE, "winner cart" },
  [MMR_LAB_ASK_RELATION] = { 2, TRUE, "relation A B cart" },
  [MMR_LAB_ASK_VV] = { 1, TRUE, "vv A cart" },
  [MMR_LAB_ASK_CONVERGED] = { 0, FALSE, "converged" },
  [MMR_LAB_ASK_LOST_COUNT] = { 0, FALSE, "lost-count" },
  [MMR_LAB_ASK_CONFLICT_COUNT] = { 0, FALSE, "conflict-count" },
  [MMR_LAB_ASK_SIBLING_COUNT] = { 1, TRUE, "sibling-count B cart" },
  [MMR_LAB_ASK_VERSION_COUNT] = { 1, TRUE, "version-count B cart" },
  [MMR_LAB_ASK_LOST_WRITES] = { 0, TRUE, "lost-writes cart" },
};

const char *
mmr_lab_ask_kind_to_string (MmrLabAskKind kind)
{
  g_return_val_if_fail ((guint) kind < MMR_LAB_ASK_N_KINDS, NULL);
  return KIND_NAMES[kind];
}

/* ---------------------------------------------------------------- tokens */

static const char *const DIRECTIVES[] = {
  "ask", "choices", "concepts", "guide", "implement", "lab", "outline",
  "section", "step", "world",
};

gboolean
mmr_lab_directive_exists (const char *s)
{
  return mmr_lexer_is_one_of (s, DIRECTIVES, G_N_ELEMENTS (DIRECTIVES));
}

const char *
mmr_lab_directive_hint (const char *s)
{
  return mmr_lexer_closest_word (s, DIRECTIVES, G_N_ELEMENTS (DIRECTIVES));
}

gboolean
mmr_lab_directive_fail_unknown (Parser *P, const MmrToken *t)
{
  const char *hint = mmr_lab_directive_hint (t->text);

  if (hint != NULL)
    return fail (P, t->col, "unknown directive '%s'; did you mean '%s'?",
                 t->text, hint);
  return fail (P, t->col, "unknown directive '%s'; expected one of: ask, "
               "choices, concepts, guide, implement, lab, outline, section, "
               "step, world (scenario lines belong inside a step)", t->text);
}

static gboolean need_token (Parser *P, MmrToken *t, gboolean quoted,
                            const char *fmt, ...) G_GNUC_PRINTF (4, 5);

/* The next token, which must be quoted text when @quoted (titles,
 * prompts) and a plain word otherwise; @fmt says what was expected. */
static gboolean
need_token (Parser *P, MmrToken *t, gboolean quoted, const char *fmt, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;
  gboolean ok;

  va_start (ap, fmt);
  ok = mmr_lexer_needv (&P->L, t, fmt, ap);
  va_end (ap);
  if (!ok || t->is_quoted == quoted)
    return ok;
  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  return fail (P, t->col, "%s", msg);
}

#define need_word(P, t, ...) need_token ((P), (t), FALSE, __VA_ARGS__)
#define need_quoted(P, t, ...) need_token ((P), (t), TRUE, __VA_ARGS__)
#define expect_end(P) mmr_lexer_expect_end (&(P)->L, "directive")

/* The rest of the line, blanks trimmed, and its column. */
static char *
rest_of_line (Parser *P, guint *out_col)
{
  mmr_lexer_skip_blanks (&P->L);
  *out_col = mmr_lexer_col_at (&P->L, P->L.p);
  return g_strchomp (g_strdup (P->L.p));
}

/* ----------------------------------------------------------------- files */

static void
question_free (MmrLabQuestion *q)
{
  g_free (q->id);
  g_free (q->prompt);
  g_free (q->key);
  g_ptr_array_unref (q->choices);
  g_free (q);
}

/* A path inside the lab folder: relative, no "..", and still inside once
 * symlinks are followed - a lab folder someone sends you cannot make the
 * runner read, and a report quote, a file elsewhere on your machine. */
static gboolean
check_relative (Parser *P, const MmrToken *t, char **out_full)
{
  g_autofree char *full = NULL;

  if (g_path_is_absolute (t->text) || strstr (t->text, "..") != NULL)
    return fail (P, t->col, "'%s' must be a path inside the lab folder",
                 t->text);
  full = g_build_filename (P->lab->dir, t->text, NULL);
  if (!g_file_test (full, G_FILE_TEST_IS_REGULAR))
    return fail (P, t->col, "no file '%s' in %s", t->text, P->lab->dir);
  if (!mmr_lab_path_is_inside (P->lab->dir, full))
    return fail (P, t->col, "'%s' resolves outside the lab folder", t->text);
  *out_full = g_steal_pointer (&full);
  return TRUE;
}

/* The guide is read on its first use (a "section"), so a lab without
 * sections needs none; NUL bytes in it are refused where they are. */
static gboolean
load_guide (Parser *P, guint col)
{
  g_autofree char *full = NULL;
  g_autoptr (GError) error = NULL;

  if (P->guide_text != NULL)
    return TRUE;
  full = g_build_filename (P->lab->dir, P->lab->guide, NULL);
  if (g_file_test (full, G_FILE_TEST_EXISTS)
      && !mmr_lab_path_is_inside (P->lab->dir, full))
    return fail (P, col, "the guide '%s' resolves outside the lab folder",
                 P->lab->guide);
  P->guide_text = mmr_lab_read_text (full, &error);
  if (P->guide_text != NULL)
    {
      const char *body = mmr_lexer_skip_bom (P->guide_text);

      memmove (P->guide_text, body, strlen (body) + 1);
      return TRUE;
    }
  if (error->code == MMR_LAB_ERROR_SYNTAX)
    {
      P->L.error = g_steal_pointer (&error);   /* "GUIDE:LINE:COL: ..." */
      return FALSE;
    }
  /* "FILE: cannot read: REASON": the reason, at the line that needs it. */
  return fail (P, col, "cannot read the guide %s: %s", full,
               strstr (error->message, ": cannot read: ") != NULL
               ? strstr (error->message, ": cannot read: ") + 15
               : error->message);
}

/* ------------------------------------------------------------ header part */

static gboolean
need_before_steps (Parser *P, const MmrToken *cmd)
{
  if (P->step != NULL)
    return fail (P, cmd->col, "'%s' belongs before the first step",
                 cmd->text);
  return TRUE;
}

static gboolean
dir_lab (Parser *P, const MmrToken *cmd)
{
  g_auto (MmrToken) t = { 0 };

  if (!need_quoted (P, &t, "'lab' needs a title in quotes, e.g. "
                   "lab \"Version vectors\"")
      || !expect_end (P))
    return FALSE;
  if (*g_strstrip (t.text) == '\0')
    return fail (P, t.col, "the title is empty");
  (void) cmd;
  P->lab->title = g_steal_pointer (&t.text);
  P->lab_line = P->L.line_no;
  return TRUE;
}

static gboolean
dir_concepts (Parser *P, const MmrToken *cmd)
{
  guint col;
  g_autofree char *rest = rest_of_line (P, &col);
  g_auto (GStrv) parts = NULL;

  if (!need_before_steps (P, cmd))
    return FALSE;
  if (P->has_concepts)
    return fail (P, cmd->col, "the concepts are already listed");
  if (*rest == '\0')
    return fail_missing (P, "'concepts' needs a comma-separated list, e.g. "
                         "concepts version vector, concurrent writes");
  parts = g_strsplit (rest, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (*g_strstrip (parts[i]) == '\0')
        return fail (P, col, "an empty concept in the list");
      g_ptr_array_add (P->lab->concepts, g_strdup (parts[i]));
    }
  P->has_concepts = TRUE;
  return TRUE;
}

static gboolean
dir_outline (Parser *P, const MmrToken *cmd)
{
  g_auto (MmrToken) t = { 0 };
  int r;

  if (!need_before_steps (P, cmd))
    return FALSE;
  if (P->has_outline)
    return fail (P, cmd->col, "the outline sections are already listed");
  while ((r = mmr_lexer_next (&P->L, FALSE, &t)) == 1)
    {
      const char *s = g_str_has_prefix (t.text, "§") ? t.text + 2 : t.text;
      guint64 n;

      if (t.is_quoted || !g_ascii_string_to_unsigned (s, 10, 1,
                                                      OUTLINE_SECTIONS, &n,
                                                      NULL))
        return fail (P, t.col, "expected an outline section from §1 to §%d, "
                     "got '%s'", OUTLINE_SECTIONS, t.text);
      g_array_append_val (P->lab->outline, n);
    }
  if (r < 0)
    return FALSE;
  if (P->lab->outline->len == 0)
    return fail_missing (P, "'outline' needs sections of the topic "
                         "outline, e.g. outline §8 §9");
  P->has_outline = TRUE;
  return TRUE;
}

static gboolean
dir_guide (Parser *P, const MmrToken *cmd)
{
  g_auto (MmrToken) t = { 0 };
  g_autofree char *full = NULL;

  if (!need_before_steps (P, cmd))
    return FALSE;
  if (P->guide_line > 0)
    return fail (P, cmd->col, "the guide is already named on line %u",
                 P->guide_line);
  if (!need_word (P, &t, "'guide' needs a Markdown file, e.g. guide "
                 "guide.md")
      || !check_relative (P, &t, &full) || !expect_end (P))
    return FALSE;
  g_free (P->lab->guide);
  P->lab->guide = g_steal_pointer (&t.text);
  P->guide_line = P->L.line_no;
  return TRUE;
}

static gboolean
dir_implement (Parser *P, const MmrToken *cmd)
{
  g_auto (MmrToken) t = { 0 };
  g_autofree char *full = NULL;

  if (!need_before_steps (P, cmd)
      || !need_word (P, &t, "'implement' needs the starter file, e.g. "
                     "implement starter/vv-compare.c")
      || !check_relative (P, &t, &full) || !expect_end (P))
    return FALSE;
  g_ptr_array_add (P->lab->implement, g_steal_pointer (&t.text));
  return TRUE;
}

/* Replica names become the first word of scenario lines; one that is a
 * lab word could never be used. */
static gboolean
check_world_names (Parser *P, const MmrToken *t, const MmrScript *script)
{
  for (guint i = 0; i < script->config.n_replicas; i++)
    if (mmr_lab_directive_exists (script->config.names[i]))
      return fail (P, t->col, "%s names a replica '%s', which is a word of "
                   "the lab language", t->text, script->config.names[i]);
  return TRUE;
}

static gboolean
dir_world (Parser *P, const MmrToken *cmd)
{
  g_auto (MmrToken) t = { 0 };
  g_autofree char *full = NULL;
  g_autoptr (MmrScript) script = NULL;
  g_autoptr (GError) error = NULL;
  MmrLabWorld *w;

  if (P->step != NULL && (P->step_has_lines || P->step_has_world))
    return fail (P, cmd->col, "'world' must come before the step's "
                 "scenario lines and questions, once per step");
  if (!need_word (P, &t, "'world' needs a scenario file, e.g. world "
                 "two-replicas.mmr")
      || !check_relative (P, &t, &full) || !expect_end (P))
    return FALSE;
  script = mmr_script_load (full, &error);
  if (script == NULL)
    {
      /* Already "FILE:LINE:COL: ..." in the world's file. */
      P->L.error = g_error_new_literal (MMR_LAB_ERROR,
                                      error->code == MMR_SCRIPT_ERROR_IO
                                      ? MMR_LAB_ERROR_IO
                                      : MMR_LAB_ERROR_SYNTAX,
                                      error->message);
      return FALSE;
    }
  if (!check_world_names (P, &t, script))
    return FALSE;
  w = g_new0 (MmrLabWorld, 1);
  w->path = g_steal_pointer (&t.text);
  w->line = P->L.line_no;
  w->script = g_steal_pointer (&script);   /* replaced once assembled */
  g_ptr_array_add (P->lab->worlds, w);
  P->world = (int) P->lab->worlds->len - 1;
  if (P->step != NULL)
    {
      P->step->world = P->world;
      P->step->starts_world = TRUE;
      P->step_has_world = TRUE;
    }
  return TRUE;
}

/* ------------------------------------------------------------- step part */

static gboolean
need_step (Parser *P, const MmrToken *cmd)
{
  if (P->step == NULL)
    return fail (P, cmd->col, "'%s' belongs inside a step; start one with "
                 "step \"Title\"", cmd->text);
  return TRUE;
}

/* The step's text grows in P->text and becomes step->text when the step
 * closes: appending to a copy per line made a long step quadratic. */
static void
append_text (Parser *P, const char *text, gboolean is_block)
{
  GString *s = P->text;

  g_assert (P->step != NULL && s != NULL);
  /* A section is a block of its own: blank lines around it. */
  if (s->len > 0 && is_block && !g_str_has_suffix (s->str, "\n\n"))
    g_string_append_c (s, '\n');
  g_string_append (s, text);
  g_string_append_c (s, '\n');
  if (is_block)
    g_string_append_c (s, '\n');
}

void
mmr_lab_directive_close_step (Parser *P)
{
  if (P->step == NULL)
    return;
  P->step->last_line = P->L.line_no - 1;
  g_free (P->step->text);
  P->step->text = g_strchomp (g_string_free (g_steal_pointer (&P->text),
                                             FALSE));
}

static gboolean
dir_step (Parser *P, const MmrToken *cmd)
{
  g_auto (MmrToken) t = { 0 };
  MmrLabStep *s;

  if (!need_quoted (P, &t, "'step' needs a title in quotes, e.g. "
                   "step \"Two writes, no messages\"")
      || !expect_end (P))
    return FALSE;
  if (*g_strstrip (t.text) == '\0')
    return fail (P, t.col, "the title is empty");
  (void) cmd;
  mmr_lab_directive_close_step (P);
  s = g_new0 (MmrLabStep, 1);
  s->number = P->lab->steps->len + 1;
  s->title = g_steal_pointer (&t.text);
  s->line = P->L.line_no;
  s->text = g_strdup ("");
  s->world = P->world;
  /* A world named before this step and not used yet starts here. */
  s->starts_world = P->world >= 0
                    && (P->step == NULL || P->step->world != P->world);
  s->questions = g_ptr_array_new_with_free_func (
      (GDestroyNotify) question_free);
  g_ptr_array_add (P->lab->steps, s);
  P->step = s;
  P->text = g_string_new (NULL);
  P->step_has_lines = FALSE;
  P->step_has_world = FALSE;
  return TRUE;
}

static gboolean
dir_section (Parser *P, const MmrToken *cmd)
{
  g_auto (MmrToken) t = { 0 };
  g_autofree char *body = NULL;

  if (!need_step (P, cmd)
      || !need_quoted (P, &t, "'section' needs a heading of %s in "
                       "quotes, e.g. section \"Step 1: two writes\"",
                       P->lab->guide)
      || !expect_end (P) || !load_guide (P, t.col))
    return FALSE;
  body = mmr_lab_guide_dup_section (P->guide_text, t.text);
  if (body == NULL)
    return fail (P, t.col, "%s has no heading \"%s\"", P->lab->guide, t.text);
  append_text (P, body, TRUE);
  return TRUE;
}

/* "> text": one line of Markdown, verbatim ('#' included). */
gboolean
mmr_lab_directive_markdown_line (Parser *P, const char *raw)
{
  const char *gt = raw + strspn (raw, " \t");

  if (P->step == NULL)
    return mmr_lexer_fail_at (&P->L, P->L.line_no, (guint) (gt - raw) + 1,
                                  "'>' lines are a step's instructions; "
                                  "start a step first with step \"Title\"");
  gt++;
  if (*gt == ' ')
    gt++;
  append_text (P, gt, FALSE);
  return TRUE;
}

/* ------------------------------------------------------------- questions */

/* Callers check first that there is a world: a directive used before
 * what it needs is the lab author's error, never a crash. */
static const MmrScript *
world_script (const Parser *P, int world)
{
  g_assert (world >= 0 && (guint) world < P->lab->worlds->len);
  return ((MmrLabWorld *) P->lab->worlds->pdata[world])->script;
}

static gboolean
need_replica (Parser *P, const MmrToken *t, int *out)
{
  const MmrWorldConfig *cfg = &world_script (P, P->world)->config;
  g_autoptr (GString) list = g_string_new (NULL);

  for (guint i = 0; i < cfg->n_replicas; i++)
    if (strcmp (cfg->names[i], t->text) == 0)
      {
        *out = (int) i;
        return TRUE;
      }
  for (guint i = 0; i < cfg->n_replicas; i++)
    g_string_append_printf (list, "%s%s", i > 0 ? ", " : "", cfg->names[i]);
  return fail (P, t->col, "unknown replica '%s'; this world has replicas %s",
               t->text, list->str);
}

/* The scenario language's key rule: letters, digits, _ : / - and at most
 * one dot between a record and its field. */
static gboolean
check_key (Parser *P, const MmrToken *t)
{
  const char *s = t->text, *dot = strchr (s, '.');

  for (const char *q = s; *q != '\0'; q = g_utf8_next_char (q))
    if (!g_ascii_isalnum (*q) && strchr ("_:/-.", *q) == NULL)
      /* Quote the whole character and count columns in characters. */
      return fail (P, t->col + (guint) g_utf8_pointer_to_offset (s, q),
                   "unexpected '%.*s' in key '%s'; a key is made of "
                   "letters, digits and _ : / -",
                   (int) (g_utf8_next_char (q) - q), q, s);
  if (dot == s || (dot != NULL && (dot[1] == '\0' || strchr (dot + 1, '.'))))
    return fail (P, t->col, "expected a key like cart or user.name, got '%s'",
                 s);
  return TRUE;
}

static gboolean
ask_arguments (Parser *P, MmrLabQuestion *q)
{
  const char *kind = KIND_NAMES[q->kind];
  int *replicas[2] = { &q->replica, &q->replica2 };
  g_auto (MmrToken) t = { 0 };

  const char *example = KIND_ARGS[q->kind].example;

  for (guint i = 0; i < KIND_ARGS[q->kind].n_replicas; i++)
    if (!need_word (P, &t, "'%s' needs %s, e.g. %s", kind,
                    KIND_ARGS[q->kind].n_replicas == 2
                    ? "two replicas and a key" : "a replica and a key",
                    example)
        || !need_replica (P, &t, replicas[i]))
      return FALSE;
  if (KIND_ARGS[q->kind].has_key)
    {
      if (!need_word (P, &t, "'%s' needs a key, e.g. %s", kind, example)
          || !check_key (P, &t))
        return FALSE;
      q->key = g_steal_pointer (&t.text);
    }
  return expect_end (P);
}

static gboolean
dir_ask (Parser *P, const MmrToken *cmd)
{
  g_autoptr (GString) kinds = g_string_new (NULL);
  g_auto (MmrToken) t = { 0 };
  MmrLabQuestion *q;
  int kind = -1;

  if (!need_step (P, cmd))
    return FALSE;
  if (P->world < 0)
    return fail (P, cmd->col, "a question needs a world; add 'world "
                 "FILE.mmr' before it");
  q = g_new0 (MmrLabQuestion, 1);
  q->step = P->step->number;
  q->number = P->step->questions->len + 1;
  q->id = g_strdup_printf ("%u.%u", q->step, q->number);
  q->line = P->L.line_no;
  q->col = cmd->col;
  q->replica = q->replica2 = -1;
  q->world = (guint) P->world;
  q->choices = g_ptr_array_new_with_free_func (
      (GDestroyNotify) mmr_lab_choice_free);
  g_ptr_array_add (P->step->questions, q);
  P->step_has_lines = TRUE;
  if (!need_quoted (P, &t, "'ask' needs a question in quotes, e.g. "
                   "ask \"What does B read?\" value B cart"))
    return FALSE;
  q->prompt = g_steal_pointer (&t.text);
  for (guint i = 0; i < MMR_LAB_ASK_N_KINDS; i++)
    g_string_append_printf (kinds, "%s%s", i > 0 ? ", " : "", KIND_NAMES[i]);
  if (!need_word (P, &t, "expected what to ask after the question: %s",
                 kinds->str))
    return FALSE;
  for (guint i = 0; i < MMR_LAB_ASK_N_KINDS; i++)
    if (strcmp (t.text, KIND_NAMES[i]) == 0)
      kind = (int) i;
  if (kind < 0)
    {
      const char *hint = mmr_lexer_closest_word (t.text, KIND_NAMES,
                                                     MMR_LAB_ASK_N_KINDS);

      return hint != NULL
             ? fail (P, t.col, "unknown question kind '%s'; did you mean "
                     "'%s'?", t.text, hint)
             : fail (P, t.col, "unknown question kind '%s'; expected one "
                     "of: %s", t.text, kinds->str);
    }
  q->kind = (MmrLabAskKind) kind;
  if (!ask_arguments (P, q))
    return FALSE;
  P->ask = q;
  return TRUE;
}

/* "choices a | b | {c, d}": split at '|' outside quotes and braces, each
 * read as an answer of the question's kind. */
static gboolean
dir_choices (Parser *P, const MmrToken *cmd, MmrLabQuestion *q)
{
  const MmrWorldConfig *cfg;
  const char *start, *p;
  gboolean in_quote = FALSE;
  int depth = 0;

  /* The ask comes first: without one there may be no world at all. */
  if (q == NULL)
    return fail (P, cmd->col, "'choices' must follow its 'ask' line");
  cfg = &world_script (P, (int) q->world)->config;
  mmr_lexer_skip_blanks (&P->L);
  if (*P->L.p == '\0')
    return fail_missing (P, "'choices' needs answers separated by |, e.g. "
                         "choices milk | eggs | {eggs, milk}");
  for (start = p = P->L.p;; p++)
    {
      if (in_quote && *p == '\\' && p[1] != '\0')
        p++;
      else if (*p == '"')
        in_quote = !in_quote;
      else if (!in_quote && (*p == '{' || *p == '}'))
        depth += *p == '{' ? 1 : -1;
      else if ((!in_quote && depth == 0 && *p == '|') || *p == '\0')
        {
          g_autofree char *text = g_strndup (start, (gsize) (p - start));
          g_autofree char *problem = NULL;
          gsize offset = 0;
          MmrLabChoice *c = mmr_lab_question_read_answer (
              q, (const char *const *) cfg->names, cfg->n_replicas, text,
              &problem, &offset);
          guint col = mmr_lexer_col_at (&P->L, start + strspn (start, " \t"));

          if (c == NULL)
            return fail (P, mmr_lexer_col_at (&P->L, start + offset), "%s",
                         problem);
          if (mmr_lab_question_find_choice (q, c->key) >= 0)
            {
              fail (P, col, "the choice '%s' is listed twice", c->label);
              mmr_lab_choice_free (c);
              return FALSE;
            }
          g_ptr_array_add (q->choices, c);
          if (*p == '\0')
            break;
          start = p + 1;
        }
    }
  if (q->choices->len < 2)
    return fail (P, cmd->col, "a question needs at least two choices");
  return TRUE;
}

/* --------------------------------------------------------- scenario lines */

gboolean
mmr_lab_directive_scenario_line (Parser *P, const MmrToken *first)
{
  static const char *const header_only[] = { "replicas", "seed",
                                              "granularity" };

  if (P->step == NULL)
    return mmr_lab_directive_fail_unknown (P, first);
  if (P->world < 0)
    return fail (P, first->col, "a scenario line needs a world; add "
                 "'world FILE.mmr' before it");
  for (gsize i = 0; i < G_N_ELEMENTS (header_only); i++)
    if (strcmp (first->text, header_only[i]) == 0)
      return fail (P, first->col, "'%s' belongs in the world's scenario "
                   "(%s), not in a step", first->text,
                   ((MmrLabWorld *) P->lab->worlds->pdata[P->world])->path);
  P->line_world[P->L.line_no - 1] = P->world;
  P->step_has_lines = TRUE;
  return TRUE;
}


/* -------------------------------------------------------------- dispatch */

typedef gboolean (*DirectiveFunc) (Parser *P, const MmrToken *cmd);

static const struct {
  const char *name;
  DirectiveFunc func;
} DISPATCH[] = {
  { "ask", dir_ask },
  { "concepts", dir_concepts },
  { "guide", dir_guide },
  { "implement", dir_implement },
  { "lab", dir_lab },
  { "outline", dir_outline },
  { "section", dir_section },
  { "step", dir_step },
  { "world", dir_world },
};

gboolean
mmr_lab_directive_run (Parser *P, const MmrToken *first)
{
  MmrLabQuestion *ask = P->ask;

  P->ask = NULL;   /* choices only directly after their ask */
  if (P->lab->title == NULL && strcmp (first->text, "lab") != 0)
    return fail (P, first->col, "a lab file starts with lab \"Title\"");
  if (P->lab->title != NULL && strcmp (first->text, "lab") == 0)
    return fail (P, first->col, "the lab already has a title");
  if (strcmp (first->text, "choices") == 0)
    return dir_choices (P, first, ask);
  for (gsize i = 0; i < G_N_ELEMENTS (DISPATCH); i++)
    if (strcmp (first->text, DISPATCH[i].name) == 0)
      return DISPATCH[i].func (P, first);
  g_assert_not_reached ();
  return FALSE;
}
