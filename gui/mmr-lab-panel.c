/* mmr-lab-panel.c - a course lab, step by step, in the inspector
 *
 * The concept: a lab (docs/labs.md) is a sequence of steps; each step has
 * Markdown instructions, scenario lines that run in a world persisting
 * from step to step, and questions whose right answer is computed from
 * the run. The panel shows one step at a time: its text, "Run step" (the
 * lab runner runs the step's lines), the questions as radio groups (or an
 * entry, for an open question), "Check answers" (each question graded
 * against the run's answer, in words and colour) and "Next step", which
 * opens only when every answer of the step is right.
 *
 * The panel drives its own MmrLabRunner, the same code `mmr lab run`
 * uses, so the computed answers are exactly the CLI's. The inspector's
 * other views follow the MmrSession, not the runner: after each run the
 * session is reloaded with the world's assembled script (the lab
 * parser's MmrScript source: the world file followed by the lab's lines
 * for that world) and replayed, with the same seed, until it has as many
 * events as the runner's world. The engine is deterministic, so both
 * worlds hold the same events and the same replica state; only a
 * trailing "run" that produced no event leaves the session's clock at
 * the last event instead of the run's end. Replaying from scratch costs
 * a lab's few hundred events and also undoes anything the student did to
 * the session meanwhile (restart, play, interventions), so the views
 * always show the lab's world after "Run step".
 *
 * Progress is a GKeyFile, g_get_user_data_dir()/mmr-lab/progress.ini,
 * one group per lab folder name: "step" (1-based step shown), "ran"
 * (whether it has run) and "answers", the student's picks in the answers
 * file format ("1.1 = absent" lines), read back with
 * mmr_lab_answers_parse so a lab that changed since simply drops the
 * answers it no longer offers. Reopening a lab replays the steps already
 * done: cheap and deterministic.
 *
 * Interface: mmr_lab_panel_new / _load / _set_session, getters and
 * _choose for tests. The step's Markdown is rendered by
 * mmr-markdown-view.c.
 *
 * Invariants: the runner's step index is the shown step's index, or one
 * more once the shown step has run; Next is sensitive only when the step
 * has run and every question of it was graded right.
 *
 * Taught in docs/labs.md ("In the inspector").
 */
#include "mmr-lab-panel.h"
#include "mmr-markdown-view.h"

#include <string.h>
#include <glib/gstdio.h>

#include "lab/lab-answers.h"
#include "lab/lab-runner.h"

#define PROGRESS_DIR "mmr-lab"
#define PROGRESS_FILE "progress.ini"

/* One question of the shown step and its widgets. */
typedef struct {
  const MmrLabQuestion *question;
  GPtrArray *radios;          /* GtkCheckButton*, one per choice (borrowed) */
  GtkWidget *entry;           /* open questions only */
  GtkWidget *verdict;
} QuestionRow;

struct _MmrLabPanel {
  GtkWidget parent_instance;

  /* template widgets */
  GtkLabel *lab_label;
  GtkLabel *step_label;
  GtkLabel *text_label;
  GtkWidget *button_box;
  GtkWidget *run_button;
  GtkWidget *check_button;
  GtkWidget *next_button;
  GtkLabel *status_label;
  GtkWidget *checks_box;
  GtkWidget *questions_box;

  /* owned */
  MmrLab *lab;
  MmrLabRunner *runner;
  MmrLabAnswers *answers;
  char *name;                 /* the lab folder's name: the keyfile group */
  GPtrArray *rows;            /* QuestionRow* of the shown step */
  guint current;              /* 0-based step shown */
  gboolean ran;               /* it has run */
  gboolean restoring;         /* widgets being set from saved answers */
  gboolean session_differs;   /* the views cannot show this world exactly */

  /* borrowed (a ref) */
  MmrSession *session;
};

G_DEFINE_FINAL_TYPE (MmrLabPanel, mmr_lab_panel, GTK_TYPE_WIDGET)

/* ---- progress ---- */

char *
mmr_lab_panel_dup_progress_path (void)
{
  return g_build_filename (g_get_user_data_dir (), PROGRESS_DIR,
                           PROGRESS_FILE, NULL);
}

/* The student's picks as an answers file ("1.1 = absent" lines). */
static char *
answers_text (MmrLabPanel *self)
{
  GString *text = g_string_new (NULL);

  for (guint s = 0; s < self->lab->steps->len; s++)
    {
      const MmrLabStep *step = self->lab->steps->pdata[s];

      for (guint k = 0; k < step->questions->len; k++)
        {
          const MmrLabQuestion *q = step->questions->pdata[k];
          const MmrLabChoice *c = mmr_lab_answers_lookup (self->answers,
                                                          q->id);

          if (c != NULL)
            g_string_append_printf (text, "%s = %s\n", q->id, c->label);
        }
    }
  return g_string_free (text, FALSE);
}

/* Failing to save is not worth a dialog: the status line says so. */
static void
save_progress (MmrLabPanel *self)
{
  g_autofree char *path = mmr_lab_panel_dup_progress_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *text = answers_text (self);
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (GError) error = NULL;

  if (self->lab == NULL || self->restoring)
    return;
  g_key_file_load_from_file (kf, path, G_KEY_FILE_KEEP_COMMENTS, NULL);
  g_key_file_set_integer (kf, self->name, "step", (int) self->current + 1);
  g_key_file_set_boolean (kf, self->name, "ran", self->ran);
  g_key_file_set_string (kf, self->name, "answers", text);
  if (g_mkdir_with_parents (dir, 0700) != 0
      || !g_key_file_save_to_file (kf, path, &error))
    {
      g_autofree char *msg = g_strdup_printf (
          "Progress not saved: %s",
          error != NULL ? error->message : g_strerror (errno));

      gtk_label_set_text (self->status_label, msg);
      gtk_widget_set_visible (GTK_WIDGET (self->status_label), TRUE);
    }
}

/* The saved step (0-based), whether it ran, and the answers, if any. */
static void
read_progress (MmrLabPanel *self, guint *step, gboolean *ran)
{
  g_autofree char *path = mmr_lab_panel_dup_progress_path ();
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autofree char *text = NULL;
  MmrLabAnswers *saved;
  int n;

  *step = 0;
  *ran = FALSE;
  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, NULL)
      || !g_key_file_has_group (kf, self->name))
    return;
  n = g_key_file_get_integer (kf, self->name, "step", NULL);
  if (n >= 1 && (guint) n <= self->lab->steps->len)
    {
      *step = (guint) n - 1;
      *ran = g_key_file_get_boolean (kf, self->name, "ran", NULL);
    }
  text = g_key_file_get_string (kf, self->name, "answers", NULL);
  /* A lab edited since may no longer offer a saved answer: start over. */
  saved = text != NULL ? mmr_lab_answers_parse (self->lab, PROGRESS_FILE,
                                                text, NULL)
                       : NULL;
  if (saved != NULL)
    {
      mmr_lab_answers_free (self->answers);
      self->answers = saved;
    }
}

/* ---- the session ---- */

static int
world_of_step (MmrLabPanel *self, guint s)
{
  for (int i = (int) MIN (s, self->lab->steps->len - 1); i >= 0; i--)
    {
      const MmrLabStep *step = self->lab->steps->pdata[i];

      if (step->world >= 0)
        return step->world;
    }
  return self->lab->worlds->len > 0 ? 0 : -1;
}

/* The session runs a world without replica databases (it has no data
 * folder to give them), so a durable world's crash loses more there than
 * in the lab's run: the views would disagree with the answers. */
static gboolean
is_durable (const MmrScript *script)
{
  if (script->config.durability != MMR_DURABILITY_NONE)
    return TRUE;
  for (guint i = 0; i < script->commands->len; i++)
    if (((MmrCommand *) script->commands->pdata[i])->kind
        == MMR_CMD_DURABILITY)
      return TRUE;
  return FALSE;
}

/* Shows the lab's world in the session: same script, same seed, replayed
 * to the runner's event count (see the header comment). */
static void
sync_session (MmrLabPanel *self)
{
  MmrWorld *world;
  const MmrLabWorld *w;
  g_autofree char *name = NULL;
  g_autoptr (GError) error = NULL;
  int k;

  if (self->session == NULL || self->lab == NULL)
    return;
  k = world_of_step (self, self->current);
  if (k < 0)
    return;
  w = self->lab->worlds->pdata[k];
  world = mmr_lab_runner_get_world (self->runner);
  name = g_build_filename (self->lab->dir, w->path, NULL);
  if (!mmr_session_load_text (self->session, name, w->script->source, &error))
    {
      gtk_label_set_text (self->status_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->status_label), TRUE);
      return;
    }
  if (world != NULL)
    mmr_session_run_to_event (self->session, mmr_world_n_events (world));
  self->session_differs = is_durable (w->script);
}

/* ---- the shown step ---- */

static void
row_free (QuestionRow *row)
{
  g_ptr_array_unref (row->radios);
  g_free (row);
}

static QuestionRow *
find_row (MmrLabPanel *self, const char *id)
{
  for (guint i = 0; self->rows != NULL && i < self->rows->len; i++)
    {
      QuestionRow *row = self->rows->pdata[i];

      if (strcmp (row->question->id, id) == 0)
        return row;
    }
  return NULL;
}

static void
clear_box (GtkWidget *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (box)) != NULL)
    gtk_box_remove (GTK_BOX (box), child);
}

static void
set_verdict (QuestionRow *row, const char *text, const char *css_class)
{
  gtk_widget_remove_css_class (row->verdict, "success");
  gtk_widget_remove_css_class (row->verdict, "error");
  gtk_widget_remove_css_class (row->verdict, "warning");
  gtk_label_set_text (GTK_LABEL (row->verdict), text);
  if (css_class != NULL)
    gtk_widget_add_css_class (row->verdict, css_class);
  gtk_widget_set_visible (row->verdict, text[0] != '\0');
}

static void
update_buttons (MmrLabPanel *self, gboolean all_right)
{
  const MmrLabStep *step = self->lab->steps->pdata[self->current];
  gboolean last = self->current + 1 >= self->lab->steps->len;
  gboolean passed = self->ran && (all_right || step->questions->len == 0);

  gtk_widget_set_sensitive (self->run_button, !self->ran);
  gtk_widget_set_sensitive (self->check_button,
                            self->ran && step->questions->len > 0);
  gtk_widget_set_sensitive (self->next_button, passed && !last);
}

/* A pick changes the answer; its old verdict no longer applies, and
 * Next waits for the next check. */
static void
answer_changed (MmrLabPanel *self, QuestionRow *row)
{
  if (self->restoring)
    return;
  set_verdict (row, "", NULL);
  update_buttons (self, FALSE);
  save_progress (self);
}

static void
radio_toggled_cb (GtkCheckButton *button, MmrLabPanel *self)
{
  QuestionRow *row = g_object_get_data (G_OBJECT (button), "mmr-row");
  const MmrLabChoice *c = g_object_get_data (G_OBJECT (button), "mmr-choice");

  if (!gtk_check_button_get_active (button))
    return;
  /* the choice is the lab's own: it cannot be refused */
  mmr_lab_answers_set (self->answers, row->question->id, c->label, NULL);
  answer_changed (self, row);
}

static void
entry_changed_cb (GtkEditable *entry, MmrLabPanel *self)
{
  answer_changed (self, g_object_get_data (G_OBJECT (entry), "mmr-row"));
}

static QuestionRow *
build_question (MmrLabPanel *self, const MmrLabQuestion *q)
{
  QuestionRow *row = g_new0 (QuestionRow, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  g_autofree char *title = g_strdup_printf ("%s  %s", q->id, q->prompt);
  GtkWidget *prompt = gtk_label_new (title);
  const MmrLabChoice *given = mmr_lab_answers_lookup (self->answers, q->id);
  GtkCheckButton *group = NULL;

  row->question = q;
  row->radios = g_ptr_array_new ();
  gtk_label_set_wrap (GTK_LABEL (prompt), TRUE);
  gtk_label_set_xalign (GTK_LABEL (prompt), 0);
  gtk_widget_add_css_class (prompt, "heading");
  gtk_box_append (GTK_BOX (box), prompt);
  for (guint i = 0; i < q->choices->len; i++)
    {
      const MmrLabChoice *c = q->choices->pdata[i];
      GtkWidget *radio = gtk_check_button_new_with_label (c->label);

      gtk_check_button_set_group (GTK_CHECK_BUTTON (radio), group);
      group = group != NULL ? group : GTK_CHECK_BUTTON (radio);
      if (given != NULL && strcmp (given->key, c->key) == 0)
        gtk_check_button_set_active (GTK_CHECK_BUTTON (radio), TRUE);
      g_object_set_data (G_OBJECT (radio), "mmr-row", row);
      g_object_set_data (G_OBJECT (radio), "mmr-choice", (gpointer) c);
      g_signal_connect (radio, "toggled", G_CALLBACK (radio_toggled_cb), self);
      g_ptr_array_add (row->radios, radio);
      gtk_box_append (GTK_BOX (box), radio);
    }
  if (q->choices->len == 0)
    {
      row->entry = gtk_entry_new ();
      gtk_entry_set_placeholder_text (GTK_ENTRY (row->entry),
                                      "Your answer (any well-formed one)");
      if (given != NULL)
        gtk_editable_set_text (GTK_EDITABLE (row->entry), given->label);
      g_object_set_data (G_OBJECT (row->entry), "mmr-row", row);
      g_signal_connect (row->entry, "changed", G_CALLBACK (entry_changed_cb),
                        self);
      gtk_widget_set_halign (row->entry, GTK_ALIGN_START);
      gtk_box_append (GTK_BOX (box), row->entry);
    }
  row->verdict = gtk_label_new ("");
  gtk_label_set_wrap (GTK_LABEL (row->verdict), TRUE);
  gtk_label_set_xalign (GTK_LABEL (row->verdict), 0);
  gtk_label_set_selectable (GTK_LABEL (row->verdict), TRUE);
  gtk_widget_set_visible (row->verdict, FALSE);
  gtk_box_append (GTK_BOX (box), row->verdict);
  gtk_box_append (GTK_BOX (self->questions_box), box);
  return row;
}

/* What the step's run found: its checks, green or red, with the line. */
static void
show_checks (MmrLabPanel *self)
{
  const MmrLabStepResult *res;
  guint failed = 0;
  g_autofree char *status = NULL;

  clear_box (self->checks_box);
  if (!self->ran)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->status_label), FALSE);
      return;
    }
  res = mmr_lab_runner_get_result (self->runner, self->current);
  for (guint i = 0; i < res->checks->len; i++)
    {
      const MmrLabCheck *c = res->checks->pdata[i];
      g_autofree char *text = g_strdup_printf (
          "%s  %s:%u  %s%s%s", c->ok ? "ok" : "FAIL", c->file, c->line,
          c->text, c->ok ? "" : ": ", c->ok ? "" : c->found);
      GtkWidget *label = gtk_label_new (text);

      failed += !c->ok;
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_add_css_class (label, c->ok ? "success" : "error");
      gtk_widget_add_css_class (label, "monospace");
      gtk_box_append (GTK_BOX (self->checks_box), label);
    }
  status = g_strdup_printf (
      "The step ran: %u of %u checks hold.%s%s", res->checks->len - failed,
      res->checks->len,
      res->outcomes->len > 0 ? " Answer the questions, then check them."
                             : "",
      self->session_differs
          ? " Note: the other views run this world without its disks, so"
            " after a crash they may show less than the lab's run."
          : "");
  gtk_label_set_text (self->status_label, status);
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), TRUE);
}

static void
show_step (MmrLabPanel *self)
{
  const MmrLabStep *step = self->lab->steps->pdata[self->current];
  g_autofree char *heading = g_strdup_printf (
      "Step %u of %u: %s", step->number, self->lab->steps->len, step->title);
  g_autofree char *markup = mmr_markdown_view_to_pango (step->text);

  gtk_label_set_text (self->step_label, heading);
  gtk_label_set_markup (self->text_label, markup);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  self->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) row_free);
  clear_box (self->questions_box);
  self->restoring = TRUE;
  for (guint i = 0; i < step->questions->len; i++)
    g_ptr_array_add (self->rows, build_question (self, step->questions->pdata[i]));
  self->restoring = FALSE;
  show_checks (self);
  update_buttons (self, FALSE);
}

/* ---- the buttons ---- */

static void
run_clicked_cb (MmrLabPanel *self)
{
  if (self->lab == NULL || self->ran)
    return;
  g_assert (mmr_lab_runner_get_step_index (self->runner) == self->current);
  mmr_lab_runner_run_step (self->runner);
  self->ran = TRUE;
  sync_session (self);
  show_checks (self);
  update_buttons (self, FALSE);
  save_progress (self);
}

/* Grades one row; TRUE when right. */
static gboolean
grade_row (MmrLabPanel *self, QuestionRow *row, const MmrLabOutcome *o)
{
  const char *id = row->question->id;
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  const MmrLabChoice *given;

  if (row->entry != NULL)
    {
      const char *typed = gtk_editable_get_text (GTK_EDITABLE (row->entry));

      if (typed[0] != '\0'
          && !mmr_lab_answers_set (self->answers, id, typed, &error))
        {
          text = g_strdup_printf ("Not an answer: %s", error->message);
          set_verdict (row, text, "warning");
          return FALSE;
        }
    }
  given = mmr_lab_answers_lookup (self->answers, id);
  if (given == NULL || (row->entry != NULL
                        && gtk_editable_get_text (
                               GTK_EDITABLE (row->entry))[0] == '\0'))
    {
      set_verdict (row, "Not answered yet.", "warning");
      return FALSE;
    }
  if (mmr_lab_answers_grade (self->answers, id, o->answer->key)
      == MMR_LAB_RIGHT)
    {
      text = g_strdup_printf ("Right: %s.", o->answer->label);
      set_verdict (row, text, "success");
      return TRUE;
    }
  text = g_strdup_printf ("Wrong: you answered '%s'; the run says '%s' (%s).",
                          given->label, o->answer->label, o->evidence);
  set_verdict (row, text, "error");
  return FALSE;
}

static void
check_clicked_cb (MmrLabPanel *self)
{
  const MmrLabStepResult *res;
  guint right = 0;
  g_autofree char *status = NULL;
  gboolean last;

  if (self->lab == NULL || !self->ran)
    return;
  res = mmr_lab_runner_get_result (self->runner, self->current);
  for (guint i = 0; i < self->rows->len; i++)
    right += grade_row (self, self->rows->pdata[i], res->outcomes->pdata[i]);
  last = self->current + 1 >= self->lab->steps->len;
  status = g_strdup_printf (
      "%u of %u answers right.%s", right, self->rows->len,
      right < self->rows->len ? " Change the wrong ones and check again."
      : last ? " You have finished the lab." : " Go on to the next step.");
  gtk_label_set_text (self->status_label, status);
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), TRUE);
  update_buttons (self, right == self->rows->len);
  save_progress (self);
}

static void
next_clicked_cb (MmrLabPanel *self)
{
  if (self->lab == NULL || !gtk_widget_get_sensitive (self->next_button))
    return;
  self->current++;
  self->ran = FALSE;
  show_step (self);
  save_progress (self);
}

/* ---- public ---- */

gboolean
mmr_lab_panel_load (MmrLabPanel *self, const char *lab_dir, GError **error)
{
  MmrLab *lab;
  guint step;
  gboolean ran;
  g_autofree char *title = NULL;

  g_return_val_if_fail (MMR_IS_LAB_PANEL (self), FALSE);
  g_return_val_if_fail (lab_dir != NULL, FALSE);
  lab = mmr_lab_load (lab_dir, error);
  if (lab == NULL)
    return FALSE;
  if (lab->steps->len == 0)
    {
      g_set_error (error, MMR_LAB_ERROR, MMR_LAB_ERROR_SYNTAX,
                   "%s: the lab has no step", lab->path);
      mmr_lab_free (lab);
      return FALSE;
    }
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->runner, mmr_lab_runner_free);
  g_clear_pointer (&self->answers, mmr_lab_answers_free);
  g_clear_pointer (&self->lab, mmr_lab_free);
  g_free (self->name);
  self->lab = lab;
  self->name = g_path_get_basename (lab->dir);
  self->runner = mmr_lab_runner_new (lab);
  if (self->session != NULL)
    mmr_lab_runner_set_limits (self->runner,
                               mmr_session_get_limits (self->session));
  self->answers = mmr_lab_answers_new (lab);
  read_progress (self, &step, &ran);
  /* replay the steps already done: the world is deterministic */
  for (guint s = 0; s < step + (ran ? 1 : 0); s++)
    mmr_lab_runner_run_step (self->runner);
  self->current = step;
  self->ran = ran;

  title = lab->number[0] != '\0'
              ? g_strdup_printf ("Lab %s: %s", lab->number, lab->title)
              : g_strdup (lab->title);
  gtk_label_set_text (self->lab_label, title);
  gtk_widget_remove_css_class (GTK_WIDGET (self->lab_label), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (self->lab_label), "heading");
  gtk_widget_set_visible (GTK_WIDGET (self->step_label), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->text_label), TRUE);
  gtk_widget_set_visible (self->button_box, TRUE);
  sync_session (self);
  show_step (self);
  return TRUE;
}

void
mmr_lab_panel_set_session (MmrLabPanel *self, MmrSession *session)
{
  g_return_if_fail (MMR_IS_LAB_PANEL (self));
  g_return_if_fail (session == NULL || MMR_IS_SESSION (session));
  g_set_object (&self->session, session);
}

guint
mmr_lab_panel_get_step_index (MmrLabPanel *self)
{
  g_return_val_if_fail (MMR_IS_LAB_PANEL (self), 0);
  return self->current;
}

const char *
mmr_lab_panel_get_step_title (MmrLabPanel *self)
{
  const MmrLabStep *step;

  g_return_val_if_fail (MMR_IS_LAB_PANEL (self), NULL);
  if (self->lab == NULL)
    return NULL;
  step = self->lab->steps->pdata[self->current];
  return step->title;
}

gboolean
mmr_lab_panel_get_step_ran (MmrLabPanel *self)
{
  g_return_val_if_fail (MMR_IS_LAB_PANEL (self), FALSE);
  return self->ran;
}

GtkWidget *mmr_lab_panel_get_run_button (MmrLabPanel *self) { return self->run_button; }
GtkWidget *mmr_lab_panel_get_check_button (MmrLabPanel *self) { return self->check_button; }
GtkWidget *mmr_lab_panel_get_next_button (MmrLabPanel *self) { return self->next_button; }

gboolean
mmr_lab_panel_choose (MmrLabPanel *self, const char *id, const char *text)
{
  QuestionRow *row;
  g_autoptr (MmrLabAnswers) scratch = NULL;
  const MmrLabChoice *picked;

  g_return_val_if_fail (MMR_IS_LAB_PANEL (self), FALSE);
  row = find_row (self, id);
  if (row == NULL)
    return FALSE;
  if (row->entry != NULL)
    {
      gtk_editable_set_text (GTK_EDITABLE (row->entry), text);
      return TRUE;
    }
  /* the lab's own reading of the text, so spacing and order do not count */
  scratch = mmr_lab_answers_new (self->lab);
  if (!mmr_lab_answers_set (scratch, id, text, NULL))
    return FALSE;
  picked = mmr_lab_answers_lookup (scratch, id);
  for (guint i = 0; i < row->radios->len; i++)
    {
      GtkCheckButton *radio = row->radios->pdata[i];
      const MmrLabChoice *c = g_object_get_data (G_OBJECT (radio),
                                                 "mmr-choice");

      if (strcmp (c->key, picked->key) == 0)
        {
          gtk_check_button_set_active (radio, TRUE);
          return TRUE;
        }
    }
  return FALSE;
}

GtkWidget *
mmr_lab_panel_get_verdict_label (MmrLabPanel *self, const char *id)
{
  QuestionRow *row;

  g_return_val_if_fail (MMR_IS_LAB_PANEL (self), NULL);
  row = find_row (self, id);
  return row != NULL ? row->verdict : NULL;
}

const char *
mmr_lab_panel_get_verdict (MmrLabPanel *self, const char *id)
{
  GtkWidget *label = mmr_lab_panel_get_verdict_label (self, id);

  return label != NULL ? gtk_label_get_text (GTK_LABEL (label)) : NULL;
}

/* ---- GObject ---- */

static void
mmr_lab_panel_dispose (GObject *object)
{
  MmrLabPanel *self = MMR_LAB_PANEL (object);

  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), MMR_TYPE_LAB_PANEL);
  G_OBJECT_CLASS (mmr_lab_panel_parent_class)->dispose (object);
}

static void
mmr_lab_panel_finalize (GObject *object)
{
  MmrLabPanel *self = MMR_LAB_PANEL (object);

  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->runner, mmr_lab_runner_free);
  g_clear_pointer (&self->answers, mmr_lab_answers_free);
  g_clear_pointer (&self->lab, mmr_lab_free);
  g_free (self->name);
  G_OBJECT_CLASS (mmr_lab_panel_parent_class)->finalize (object);
}

static void
mmr_lab_panel_class_init (MmrLabPanelClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = mmr_lab_panel_dispose;
  G_OBJECT_CLASS (klass)->finalize = mmr_lab_panel_finalize;
  gtk_widget_class_set_template_from_resource (
      widget_class, "/org/mmrlab/Inspector/mmr-lab-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, MmrLabPanel, lab_label);
  gtk_widget_class_bind_template_child (widget_class, MmrLabPanel, step_label);
  gtk_widget_class_bind_template_child (widget_class, MmrLabPanel, text_label);
  gtk_widget_class_bind_template_child (widget_class, MmrLabPanel, button_box);
  gtk_widget_class_bind_template_child (widget_class, MmrLabPanel, run_button);
  gtk_widget_class_bind_template_child (widget_class, MmrLabPanel,
                                        check_button);
  gtk_widget_class_bind_template_child (widget_class, MmrLabPanel, next_button);
  gtk_widget_class_bind_template_child (widget_class, MmrLabPanel,
                                        status_label);
  gtk_widget_class_bind_template_child (widget_class, MmrLabPanel, checks_box);
  gtk_widget_class_bind_template_child (widget_class, MmrLabPanel,
                                        questions_box);
  gtk_widget_class_bind_template_callback (widget_class, run_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, check_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, next_clicked_cb);
  gtk_widget_class_set_accessible_role (widget_class,
                                        GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
mmr_lab_panel_init (MmrLabPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
mmr_lab_panel_new (void)
{
  return g_object_new (MMR_TYPE_LAB_PANEL, NULL);
}
