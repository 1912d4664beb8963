/* lab-parser.c - lab.mmrlab, from text to an MmrLab
 *
 * A lab file is line-oriented like a scenario, and deliberately close to
 * it: a line starting with a lab word is a directive, any other line in
 * a step is a scenario line.
 *
 *   lab "Version vectors"                 title (first)
 *   concepts dominates, concurrent         what it teaches (comma list)
 *   outline §8 §9                          sections of the topic outline
 *   guide guide.md                         optional, guide.md by default
 *   implement starter/vv-compare.c         an implementation exercise
 *   world two.mmr                          the scenario a world starts from
 *   step "Two writes, no messages"
 *   section "Step 1: two writes"           instructions from guide.md
 *   > More instructions, as Markdown.
 *   A put cart milk                        scenario lines, run in the world
 *   expect A cart = milk
 *   ask "How do A and B compare?" relation A B cart
 *   choices equal | dominates | dominated | concurrent
 *
 * How the scenario lines are parsed: each world's script is the text of
 * its scenario file, followed by the whole lab file with every line that
 * is not one of that world's scenario lines blanked. mmr_script_parse
 * checks it all at once - the same grammar, the same messages - and the
 * line numbers map back by subtracting the world file's length. Columns
 * need no mapping: lines are copied whole, indentation included.
 *
 * Errors: the first one stops parsing, as "FILE:LINE:COL: message" in the
 * style of src/scenario/parser.c, pointing into the lab file, a world's
 * scenario or (for a missing file) the line that names it.
 *
 * The parser is two files and the scenario language's lexer: this one
 * reads the lines and assembles the worlds, lab-directives.c implements
 * each directive (lab-parser-private.h joins them), and
 * src/scenario/lexer.c tokenizes and reports errors.
 *
 * Interface: mmr_lab_load(), mmr_lab_parse(), mmr_lab_parse_len(),
 * mmr_lab_free(), mmr_lab_find_question(), mmr_lab_n_questions(),
 * mmr_lab_question_names().
 *
 * Invariants of a returned lab: a title, concepts, outline sections in
 * 1..25 and at least one step; every question has a world, its replicas
 * exist there, and every listed choice reads as an answer of its kind.
 *
 * Taught in docs/labs.md.
 */
#include "lab/lab-parser-private.h"

#include <string.h>

#include "lab/lab-question.h"

G_DEFINE_QUARK (mmr-lab-error-quark, mmr_lab_error)

/* ------------------------------------------------------------- freeing */

static void
world_free (MmrLabWorld *w)
{
  g_free (w->path);
  mmr_script_free (w->script);
  g_free (w);
}

static void
step_free (MmrLabStep *s)
{
  g_free (s->title);
  g_free (s->text);
  g_ptr_array_unref (s->questions);
  g_free (s);
}

void
mmr_lab_free (MmrLab *lab)
{
  if (lab == NULL)
    return;
  g_free (lab->dir);
  g_free (lab->path);
  g_free (lab->number);
  g_free (lab->title);
  g_ptr_array_unref (lab->concepts);
  g_array_unref (lab->outline);
  g_free (lab->guide);
  g_ptr_array_unref (lab->implement);
  g_ptr_array_unref (lab->worlds);
  g_ptr_array_unref (lab->steps);
  g_free (lab);
}

/* ------------------------------------------------------------------ lines */

static gboolean
parse_line (Parser *P, guint line_no)
{
  const char *raw = P->lines[line_no - 1];
  g_auto (MmrToken) first = { 0 };
  int r;

  if (!mmr_lexer_load_line (&P->L, line_no, raw, strlen (raw)))
    return FALSE;
  if (raw[strspn (raw, " \t")] == '>')
    {
      if (P->lab->title == NULL)
        return fail (P, 1, "a lab file starts with lab \"Title\"");
      P->ask = NULL;
      return mmr_lab_directive_markdown_line (P, raw);
    }
  mmr_lexer_cut_comment (P->L.line);
  if ((r = mmr_lexer_next (&P->L, FALSE, &first)) <= 0)
    return r == 0;
  if (first.is_quoted)
    return fail (P, first.col, "a line cannot start with quoted text");
  if (mmr_lab_directive_exists (first.text))
    return mmr_lab_directive_run (P, &first);
  if (P->lab->title == NULL)
    return fail (P, first.col, "a lab file starts with lab \"Title\"");
  P->ask = NULL;
  return mmr_lab_directive_scenario_line (P, &first);
}

/* ------------------------------------------------------------ assembling */

/* "line N" inside a scenario message names a script line: say which file
 * it is in. */
static char *
map_line_refs (const char *msg, const MmrLabWorld *w, const char *lab_path)
{
  GString *out = g_string_new (NULL);
  const char *p = msg, *hit;

  while ((hit = strstr (p, "line ")) != NULL)
    {
      char *end;
      guint64 n;

      if (!g_ascii_isdigit (hit[5]))
        {
          g_string_append_len (out, p, hit + 5 - p);
          p = hit + 5;
          continue;
        }
      n = g_ascii_strtoull (hit + 5, &end, 10);
      g_string_append_len (out, p, hit - p);
      if (n > w->n_world_lines)
        g_string_append_printf (out, "line %" G_GUINT64_FORMAT " of %s",
                                n - w->n_world_lines, lab_path);
      else
        g_string_append_printf (out, "line %" G_GUINT64_FORMAT " of %s", n,
                                w->path);
      p = end;
    }
  g_string_append (out, p);
  return g_string_free (out, FALSE);
}

/* DOC: lab-error-map */
/* A scenario error in the assembled script, moved to where it is: the
 * lab file (a step's line) or the world's own file. */
static void
map_error (Parser *P, const MmrLabWorld *w, const GError *error)
{
  g_autofree char *prefix = g_strconcat (P->L.filename, ":", NULL);
  const char *msg = error->message;
  guint64 line = 0, col = 0;
  char *end;
  g_autofree char *rest = NULL;

  if (!g_str_has_prefix (msg, prefix))
    {
      P->L.error = g_error_copy (error);
      return;
    }
  line = g_ascii_strtoull (msg + strlen (prefix), &end, 10);
  if (*end == ':')
    col = g_ascii_strtoull (end + 1, &end, 10);
  rest = map_line_refs (g_str_has_prefix (end, ": ") ? end + 2 : end, w,
                        P->L.filename);
  if (line <= w->n_world_lines)
    {
      g_autofree char *full = g_build_filename (P->lab->dir, w->path, NULL);

      P->L.error = g_error_new (MMR_LAB_ERROR, MMR_LAB_ERROR_SYNTAX,
                              "%s:%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT
                              ": %s", full, line, col, rest);
      return;
    }
  if (line - w->n_world_lines > P->n_lines)
    {
      /* Past the lab's last line: nothing there to point at. */
      P->L.error = g_error_copy (error);
      return;
    }
  line -= w->n_world_lines;
  /* The line parsed once already: loading it again cannot fail. */
  mmr_lexer_load_line (&P->L, (guint) line, P->lines[line - 1],
                       strlen (P->lines[line - 1]));
  /* A misspelt lab word reaches the scenario parser as an unknown
   * command: answer with the lab's hint, not the scenario's list. */
  if (g_str_has_prefix (rest, "unknown command '"))
    {
      g_auto (MmrToken) first = { 0 };

      mmr_lexer_cut_comment (P->L.line);
      if (mmr_lexer_next (&P->L, FALSE, &first) == 1
          && mmr_lab_directive_hint (first.text) != NULL)
        {
          mmr_lab_directive_fail_unknown (P, &first);
          return;
        }
    }
  fail (P, (guint) col, "%s", rest);
}

/* DOC: lab-assemble */
static gboolean
assemble_world (Parser *P, guint k)
{
  MmrLabWorld *w = P->lab->worlds->pdata[k];
  GString *text = g_string_new (w->script->source);
  g_autoptr (GError) error = NULL;
  MmrScript *script;

  if (text->len > 0 && text->str[text->len - 1] != '\n')
    g_string_append_c (text, '\n');
  for (gsize i = 0; i < text->len; i++)
    w->n_world_lines += text->str[i] == '\n';
  for (guint i = 0; i < P->n_lines; i++)
    {
      if (P->line_world[i] == (int) k)
        g_string_append (text, P->lines[i]);
      g_string_append_c (text, '\n');
    }
  script = mmr_script_parse (P->L.filename, text->str, &error);
  g_string_free (text, TRUE);
  if (script == NULL)
    {
      map_error (P, w, error);
      return FALSE;
    }
  mmr_script_free (w->script);
  w->script = script;
  return TRUE;
}

static void
generate_choices (MmrLab *lab)
{
  for (guint s = 0; s < lab->steps->len; s++)
    {
      MmrLabStep *step = lab->steps->pdata[s];

      for (guint i = 0; i < step->questions->len; i++)
        {
          MmrLabQuestion *q = step->questions->pdata[i];
          MmrLabWorld *w = lab->worlds->pdata[q->world];

          if (q->choices->len == 0)
            mmr_lab_question_generate_choices (q, w->script);
        }
    }
}

static gboolean
check_complete (Parser *P)
{
  if (P->lab->title == NULL)
    return mmr_lexer_fail_at (&P->L, 1, 1, "a lab file starts with "
                                  "lab \"Title\"");
  if (!P->has_concepts)
    return mmr_lexer_fail_at (&P->L, P->lab_line, 1, "the lab needs a "
                                  "'concepts' line before its first step");
  if (!P->has_outline)
    return mmr_lexer_fail_at (&P->L, P->lab_line, 1, "the lab needs an "
                                  "'outline' line before its first step");
  if (P->lab->steps->len == 0)
    return mmr_lexer_fail_at (&P->L, P->n_lines + 1, 1, "the lab has no "
                                  "steps; add one with step \"Title\"");
  return TRUE;
}

static MmrLab *
lab_new (const char *dir)
{
  MmrLab *lab = g_new0 (MmrLab, 1);
  g_autofree char *full = g_canonicalize_filename (dir, NULL);
  g_autofree char *base = g_path_get_basename (full);

  lab->dir = g_strdup (dir);
  lab->path = g_build_filename (dir, MMR_LAB_FILE, NULL);
  lab->number = g_strndup (base, strspn (base, "0123456789"));
  lab->concepts = g_ptr_array_new_with_free_func (g_free);
  lab->outline = g_array_new (FALSE, FALSE, sizeof (guint));
  lab->guide = g_strdup ("guide.md");
  lab->implement = g_ptr_array_new_with_free_func (g_free);
  lab->worlds = g_ptr_array_new_with_free_func ((GDestroyNotify) world_free);
  lab->steps = g_ptr_array_new_with_free_func ((GDestroyNotify) step_free);
  return lab;
}

static gboolean
parse_lines (Parser *P)
{
  for (guint i = 1; i <= P->n_lines; i++)
    if (!parse_line (P, i))
      return FALSE;
  P->L.line_no = P->n_lines + 1;   /* the last step ends at the last line */
  mmr_lab_directive_close_step (P);
  if (!check_complete (P))
    return FALSE;
  for (guint k = 0; k < P->lab->worlds->len; k++)
    if (!assemble_world (P, k))
      return FALSE;
  generate_choices (P->lab);
  return TRUE;
}

MmrLab *
mmr_lab_parse (const char *dir, const char *text, GError **error)
{
  g_autoptr (MmrLab) lab = NULL;
  Parser P = { 0 };
  gboolean ok;

  g_return_val_if_fail (dir != NULL && text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  lab = lab_new (dir);
  mmr_lexer_init (&P.L, lab->path, MMR_LAB_ERROR, MMR_LAB_ERROR_SYNTAX,
                  "a lab file", "text");
  P.lab = lab;
  P.world = -1;
  P.lines = g_strsplit (mmr_lexer_skip_bom (text), "\n", -1);
  P.n_lines = g_strv_length (P.lines);
  if (P.n_lines > 0 && *P.lines[P.n_lines - 1] == '\0')
    P.n_lines--;   /* the text ends with a newline */
  for (guint i = 0; i < P.n_lines; i++)
    {
      gsize n = strlen (P.lines[i]);

      if (n > 0 && P.lines[i][n - 1] == '\r')
        P.lines[i][n - 1] = '\0';
    }
  P.line_world = g_new (int, P.n_lines + 1);
  for (guint i = 0; i <= P.n_lines; i++)
    P.line_world[i] = -1;
  ok = parse_lines (&P);
  g_strfreev (P.lines);
  g_free (P.line_world);
  g_free (P.guide_text);
  if (P.text != NULL)
    g_string_free (P.text, TRUE);   /* a step left open by an error */
  if (!ok)
    g_propagate_error (error, g_steal_pointer (&P.L.error));
  mmr_lexer_clear (&P.L);
  return ok ? g_steal_pointer (&lab) : NULL;
}

MmrLab *
mmr_lab_parse_len (const char *dir, const char *text, gsize len,
                   GError **error)
{
  g_autofree char *path = NULL;
  g_autofree char *copy = NULL;

  g_return_val_if_fail (dir != NULL && (text != NULL || len == 0), NULL);

  path = g_build_filename (dir, MMR_LAB_FILE, NULL);
  if (!mmr_lab_check_text (path, text, len, error))
    return NULL;
  copy = g_strndup (text, len);   /* @text need not end with a NUL */
  return mmr_lab_parse (dir, copy, error);
}

MmrLab *
mmr_lab_load (const char *dir, GError **error)
{
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (dir != NULL, NULL);

  path = g_build_filename (dir, MMR_LAB_FILE, NULL);
  if (g_file_test (path, G_FILE_TEST_EXISTS)
      && !mmr_lab_path_is_inside (dir, path))
    {
      g_set_error (error, MMR_LAB_ERROR, MMR_LAB_ERROR_IO,
                   "%s: resolves outside the lab folder", path);
      return NULL;
    }
  text = mmr_lab_read_text (path, error);
  if (text == NULL)
    return NULL;
  return mmr_lab_parse (dir, text, error);
}

/* -------------------------------------------------------------- queries */

guint
mmr_lab_n_questions (const MmrLab *lab)
{
  guint n = 0;

  for (guint s = 0; s < lab->steps->len; s++)
    n += ((MmrLabStep *) lab->steps->pdata[s])->questions->len;
  return n;
}

const MmrLabQuestion *
mmr_lab_find_question (const MmrLab *lab, const char *id)
{
  for (guint s = 0; s < lab->steps->len; s++)
    {
      const MmrLabStep *step = lab->steps->pdata[s];

      for (guint i = 0; i < step->questions->len; i++)
        {
          const MmrLabQuestion *q = step->questions->pdata[i];

          if (strcmp (q->id, id) == 0)
            return q;
        }
    }
  return NULL;
}

const char *const *
mmr_lab_question_names (const MmrLab *lab, const MmrLabQuestion *q)
{
  const MmrLabWorld *w = lab->worlds->pdata[q->world];

  return (const char *const *) w->script->config.names;
}
