/* mmr-conflicts-panel.c - every conflict, explained
 *
 * The concept: a conflict is two or more versions of one register that
 * were written concurrently (neither writer had seen the other) meeting at
 * a replica. The strategy then decides (MMR_EV_RESOLVE): last-writer-wins
 * keeps one version by timestamp and discards the rest unseen; siblings
 * keeps them all for the reader. This panel lists each conflict as a card:
 * the key, the replicas where it was resolved and when, the versions that
 * met (value, dot, timestamp, HLC), the rule in words, the outcome and
 * what was discarded - the discarded writes are the ones users lose
 * silently. The same versions meet at every replica they reach; as for the
 * world's conflict count, those meetings are one conflict (one card) when
 * they were decided alike.
 *
 * Interface:
 *   mmr_conflicts_panel_new / _set_session
 *   signal "conflict-selected" (guint event index in the session log)
 *   _get_n_conflicts, _dup_text, _select_event
 *
 * Invariants: cards are built from the session's own copies of events
 * (MmrSessionEvent), appended on "event-added" (no rescans while a run
 * goes on) and rebuilt from the log only on "reset". A card is identified
 * by key, versions, rule and survivors; a later RESOLVE with the same
 * identity only adds a place ("C (235ms)") and bumps the row's revision,
 * which bound cards listen to.
 *
 * Taught in docs/conflicts.md and labs 03 and 05.
 */
#include "mmr-conflicts-panel.h"

#include "core/duration.h"
#include "mmr-swatch.h"
#include "mmr-template.h"

/* ---- one conflict, as words ---- */

#define MMR_TYPE_CONFLICT_ROW (mmr_conflict_row_get_type ())
G_DECLARE_FINAL_TYPE (MmrConflictRow, mmr_conflict_row, MMR, CONFLICT_ROW,
                      GObject)

struct _MmrConflictRow
{
  GObject parent_instance;

  guint event_index;          /* the first RESOLVE of this conflict */
  GArray *event_indices;      /* guint: every RESOLVE of it */
  guint revision;
  char *title;                /* the key */
  GString *places;            /* "A (231ms), C (235ms)" */
  char *rule;                 /* "siblings", "lww-timestamp", ... */
  gboolean is_rejected;       /* lww-rejected-newer: a card, not a conflict */
  char *sentence;             /* the rule for people */
  GArray *writers;            /* guint: replica of each version */
  GPtrArray *versions;        /* char*: one line per version */
  char *outcome;
  char *discarded;
};

G_DEFINE_FINAL_TYPE (MmrConflictRow, mmr_conflict_row, G_TYPE_OBJECT)

static void
mmr_conflict_row_finalize (GObject *object)
{
  MmrConflictRow *row = MMR_CONFLICT_ROW (object);

  g_free (row->title);
  g_array_unref (row->event_indices);
  g_string_free (row->places, TRUE);
  g_free (row->rule);
  g_free (row->sentence);
  g_array_unref (row->writers);
  g_ptr_array_unref (row->versions);
  g_free (row->outcome);
  g_free (row->discarded);
  G_OBJECT_CLASS (mmr_conflict_row_parent_class)->finalize (object);
}

static GParamSpec *revision_pspec;

static void
mmr_conflict_row_get_property (GObject *object, guint id, GValue *value,
                               GParamSpec *pspec)
{
  if (id == 1)
    g_value_set_uint (value, MMR_CONFLICT_ROW (object)->revision);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
}

static void
mmr_conflict_row_class_init (MmrConflictRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mmr_conflict_row_finalize;
  object_class->get_property = mmr_conflict_row_get_property;
  revision_pspec = g_param_spec_uint (
      "revision", NULL, NULL, 0, G_MAXUINT, 0,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_property (object_class, 1, revision_pspec);
}

static void
mmr_conflict_row_init (MmrConflictRow *row)
{
  row->event_indices = g_array_new (FALSE, FALSE, sizeof (guint));
  row->places = g_string_new (NULL);
  row->writers = g_array_new (FALSE, FALSE, sizeof (guint));
  row->versions = g_ptr_array_new_with_free_func (g_free);
}

static const char *
rule_sentence (MmrResolveRule rule)
{
  switch (rule)
    {
    case MMR_RESOLVE_LWW_TIMESTAMP:
      return "Last writer wins: the version with the larger timestamp is "
             "kept at every replica; the others are discarded although no "
             "one who wrote the winner had seen them.";
    case MMR_RESOLVE_LWW_TIEBREAK:
      return "Last writer wins with equal timestamps: the tie goes to the "
             "replica whose name sorts last, so every replica picks the "
             "same winner.";
    case MMR_RESOLVE_LWW_REJECTED:
      return "Last writer wins rejected a causally newer write: it carried "
             "a smaller timestamp (a skewed clock), so the older version "
             "stays and the newer write is lost.";
    case MMR_RESOLVE_SIBLINGS:
      return "Siblings: neither writer had seen the other's version, so all "
             "are kept; readers see them together and the next write that "
             "has seen them replaces them.";
    case MMR_RESOLVE_MERGED:
      return "Merge function: all concurrent versions are kept as siblings "
             "and read through the scenario's merge function, so every "
             "replica with the same siblings reads the same merged value.";
    case MMR_RESOLVE_NONE:
    default:
      return "No strategy decision was needed.";
    }
}

static gboolean
dot_equal (MmrDot a, MmrDot b)
{
  return a.replica == b.replica && a.counter == b.counter;
}

static gboolean
is_kept (const MmrEvent *ev, MmrDot dot)
{
  for (guint i = 0; i < ev->n_kept; i++)
    if (dot_equal (ev->kept[i], dot))
      return TRUE;
  return FALSE;
}

static char *
version_name (MmrWorld *world, const MmrEventVersion *v)
{
  return g_strdup_printf ("%s (%s:%u)",
                          v->value != NULL ? v->value : "(deleted)",
                          mmr_world_replica_name (world, v->dot.replica),
                          v->dot.counter);
}

static char *
version_line (MmrWorld *world, const MmrEvent *ev, const MmrEventVersion *v)
{
  g_autofree char *name = version_name (world, v);
  g_autofree char *hlc = mmr_hlc_to_string (v->hlc);
  g_autofree char *ts = v->ts_logical != 0
      ? g_strdup_printf ("%" G_GINT64_FORMAT ".%u", v->ts, v->ts_logical)
      : g_strdup_printf ("%" G_GINT64_FORMAT, v->ts);

  return g_strdup_printf ("%s  timestamp %s  HLC %s  %s", name, ts, hlc,
                          is_kept (ev, v->dot) ? "kept" : "discarded");
}

static char *
join_versions (MmrWorld *world, const MmrEvent *ev, gboolean kept)
{
  GString *s = g_string_new (NULL);
  guint n = 0;

  for (guint i = 0; i < ev->n_versions; i++)
    {
      g_autofree char *name = NULL;

      if (is_kept (ev, ev->versions[i].dot) != kept)
        continue;
      name = version_name (world, &ev->versions[i]);
      g_string_append_printf (s, "%s%s", n++ > 0 ? " | " : "", name);
    }
  return g_string_free (s, n == 0);
}

static char *
outcome_text (MmrWorld *world, const MmrEvent *ev)
{
  g_autofree char *kept = join_versions (world, ev, TRUE);

  if (kept == NULL)
    return g_strdup ("Outcome: none of the versions that met survived.");
  if (ev->rule == MMR_RESOLVE_MERGED)
    return g_strdup_printf ("Outcome: %u siblings kept, read merged: {%s}",
                            ev->n_kept, kept);
  if (ev->rule == MMR_RESOLVE_SIBLINGS || ev->n_kept > 1)
    return g_strdup_printf ("Outcome: %u siblings kept: {%s}", ev->n_kept,
                            kept);
  return g_strdup_printf ("Outcome: %s wins", kept);
}

/* One place where the conflict was resolved: "C (235.948ms)". */
static void
add_place (MmrConflictRow *row, MmrWorld *world, guint index,
           const MmrEvent *ev)
{
  g_autofree char *when = mmr_duration_format (ev->time_us);

  g_array_append_val (row->event_indices, index);
  g_string_append_printf (row->places, "%s%s (%s)",
                          row->places->len > 0 ? ", " : "",
                          ev->replica >= 0
                          ? mmr_world_replica_name (world, ev->replica) : "?",
                          when);
}

static MmrConflictRow *
conflict_row_new (MmrWorld *world, guint index, const MmrEvent *ev)
{
  MmrConflictRow *row = g_object_new (MMR_TYPE_CONFLICT_ROW, NULL);
  g_autofree char *lost = join_versions (world, ev, FALSE);

  row->event_index = index;
  row->title = g_strdup (ev->key != NULL ? ev->key : "?");
  add_place (row, world, index, ev);
  row->rule = g_strdup (mmr_resolve_rule_to_string (ev->rule));
  row->is_rejected = ev->rule == MMR_RESOLVE_LWW_REJECTED;
  row->sentence = g_strdup (rule_sentence (ev->rule));
  for (guint i = 0; i < ev->n_versions; i++)
    {
      guint writer = ev->versions[i].dot.replica;

      g_array_append_val (row->writers, writer);
      g_ptr_array_add (row->versions,
                       version_line (world, ev, &ev->versions[i]));
    }
  row->outcome = outcome_text (world, ev);
  row->discarded = lost != NULL
      ? g_strdup_printf ("Discarded: %s", lost)
      : g_strdup ("Discarded: nothing");
  return row;
}

static int
dot_cmp (gconstpointer a, gconstpointer b)
{
  const MmrDot *x = a, *y = b;

  if (x->replica != y->replica)
    return x->replica < y->replica ? -1 : 1;
  return x->counter < y->counter ? -1 : x->counter > y->counter;
}

static void
append_sorted_dots (GString *s, const MmrDot *dots, guint n)
{
  g_autoptr (GArray) sorted = g_array_new (FALSE, FALSE, sizeof (MmrDot));

  g_array_append_vals (sorted, dots, n);
  g_array_sort (sorted, dot_cmp);
  for (guint i = 0; i < sorted->len; i++)
    g_string_append_printf (s, "|%u:%u", g_array_index (sorted, MmrDot, i).replica,
                            g_array_index (sorted, MmrDot, i).counter);
}

/* Same key, same versions, same rule, same survivors: one conflict,
 * whichever replica decided it (the world counts conflicts the same way,
 * without the rule). */
static char *
conflict_id (const MmrEvent *ev)
{
  GString *s = g_string_new (ev->key);
  g_autoptr (GArray) dots = g_array_new (FALSE, FALSE, sizeof (MmrDot));

  for (guint i = 0; i < ev->n_versions; i++)
    g_array_append_val (dots, ev->versions[i].dot);
  append_sorted_dots (s, (const MmrDot *) (void *) dots->data, dots->len);
  g_string_append_printf (s, "/%d/", ev->rule);
  append_sorted_dots (s, ev->kept, ev->n_kept);
  return g_string_free (s, FALSE);
}

static char *
conflict_row_text (MmrConflictRow *row)
{
  GString *s = g_string_new (row->title);

  g_string_append_printf (s, "\nresolved at %s\nrule: %s\n", row->places->str,
                          row->rule);
  for (guint i = 0; i < row->versions->len; i++)
    g_string_append_printf (s, "%s\n", (const char *) row->versions->pdata[i]);
  g_string_append_printf (s, "%s\n%s\n%s", row->sentence, row->outcome,
                          row->discarded);
  return g_string_free (s, FALSE);
}

/* ---- the panel ---- */

struct _MmrConflictsPanel
{
  GtkWidget parent_instance;

  /* template widgets */
  GtkLabel *count_label;
  GtkWidget *placeholder;
  GtkWidget *scroller;
  GtkListView *list_view;

  /* owned */
  MmrSession *session;
  gulong reset_id;
  gulong event_added_id;
  GListStore *rows;
  GHashTable *by_id;          /* conflict id (owned) -> row (borrowed) */
  GtkSingleSelection *selection;
};

G_DEFINE_FINAL_TYPE (MmrConflictsPanel, mmr_conflicts_panel, GTK_TYPE_WIDGET)

enum { CONFLICT_SELECTED, N_SIGNALS };
static guint signals[N_SIGNALS];


static GtkWidget *
line_new (int replica, const char *text, const char *css)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (text);

  if (replica >= 0)
    {
      gtk_box_append (GTK_BOX (box), mmr_swatch_new ((guint) replica, 10));
    }
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_widget_set_hexpand (label, TRUE);
  if (css != NULL)
    gtk_widget_add_css_class (label, css);
  gtk_box_append (GTK_BOX (box), label);
  return box;
}

static void
setup_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);

  (void) factory;
  (void) data;
  gtk_widget_add_css_class (card, "mmr-conflict");
  gtk_list_item_set_child (item, card);
}

static void
fill_card (GtkListItem *item)
{
  MmrConflictRow *row = gtk_list_item_get_item (item);
  GtkWidget *card = gtk_list_item_get_child (item);
  GtkWidget *child;
  g_autofree char *places = g_strdup_printf ("resolved at %s",
                                             row->places->str);
  g_autofree char *rule = g_strdup_printf ("rule: %s", row->rule);
  g_autofree char *all = conflict_row_text (row);

  while ((child = gtk_widget_get_first_child (card)) != NULL)
    gtk_box_remove (GTK_BOX (card), child);
  gtk_box_append (GTK_BOX (card), line_new (-1, row->title, "heading"));
  gtk_box_append (GTK_BOX (card), line_new (-1, places, "dim-label"));
  gtk_box_append (GTK_BOX (card), line_new (-1, rule, "mmr-numeric"));
  for (guint i = 0; i < row->versions->len; i++)
    gtk_box_append (GTK_BOX (card),
                    line_new ((int) g_array_index (row->writers, guint, i),
                              row->versions->pdata[i], "mmr-numeric"));
  gtk_box_append (GTK_BOX (card), line_new (-1, row->sentence,
                                            "mmr-conflict-rule"));
  gtk_box_append (GTK_BOX (card), line_new (-1, row->outcome, NULL));
  gtk_box_append (GTK_BOX (card), line_new (-1, row->discarded, NULL));
  gtk_accessible_update_property (GTK_ACCESSIBLE (card),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, all, -1);
}

static void
revision_cb (MmrConflictRow *row, GParamSpec *pspec, GtkListItem *item)
{
  (void) row;
  (void) pspec;
  fill_card (item);
}

static void
bind_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  gulong id = g_signal_connect (gtk_list_item_get_item (item),
                                "notify::revision", G_CALLBACK (revision_cb),
                                item);

  (void) factory;
  (void) data;
  g_object_set_data (G_OBJECT (item), "mmr-revision-handler",
                     GSIZE_TO_POINTER (id));
  fill_card (item);
}

static void
unbind_cb (GtkSignalListItemFactory *factory, GtkListItem *item,
           gpointer data)
{
  gulong id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (item),
                                                   "mmr-revision-handler"));

  (void) factory;
  (void) data;
  if (id != 0)
    g_signal_handler_disconnect (gtk_list_item_get_item (item), id);
  g_object_set_data (G_OBJECT (item), "mmr-revision-handler", NULL);
}

/* Cards of causally newer writes LWW rejected: shown (a write was lost)
 * but not counted as conflicts, since the writer had seen the winner. */
static guint
count_rejected (MmrConflictsPanel *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->rows));
  guint rejected = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (MmrConflictRow) row = g_list_model_get_item (
          G_LIST_MODEL (self->rows), i);

      rejected += row->is_rejected ? 1 : 0;
    }
  return rejected;
}

static void
update_count (MmrConflictsPanel *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->rows));
  guint rejected = count_rejected (self);
  g_autofree char *text = rejected == 0
      ? g_strdup_printf ("%u %s", n, n == 1 ? "conflict" : "conflicts")
      : g_strdup_printf ("%u %s, %u rejected newer write%s", n - rejected,
                         n - rejected == 1 ? "conflict" : "conflicts",
                         rejected, rejected == 1 ? "" : "s");

  gtk_label_set_text (self->count_label, text);
  gtk_widget_set_visible (self->placeholder, n == 0);
  gtk_widget_set_visible (self->scroller, n > 0);
}

static void
add_event (MmrConflictsPanel *self, guint index)
{
  const MmrSessionEvent *e = mmr_session_get_event (self->session, index);
  MmrWorld *world = mmr_session_get_world (self->session);
  g_autofree char *id = NULL;
  MmrConflictRow *seen;
  g_autoptr (MmrConflictRow) row = NULL;

  if (e == NULL || e->ev.kind != MMR_EV_RESOLVE)
    return;
  id = conflict_id (&e->ev);
  seen = g_hash_table_lookup (self->by_id, id);
  if (seen != NULL)
    {
      add_place (seen, world, index, &e->ev);
      seen->revision++;
      g_object_notify_by_pspec (G_OBJECT (seen), revision_pspec);
      return;
    }
  row = conflict_row_new (world, index, &e->ev);
  g_hash_table_insert (self->by_id, g_steal_pointer (&id), row);
  g_list_store_append (self->rows, row);
}

static void
event_added_cb (MmrSession *session, guint index, MmrConflictsPanel *self)
{
  guint before = g_list_model_get_n_items (G_LIST_MODEL (self->rows));

  (void) session;
  add_event (self, index);
  if (g_list_model_get_n_items (G_LIST_MODEL (self->rows)) != before)
    update_count (self);
}

static void
reset_cb (MmrSession *session, MmrConflictsPanel *self)
{
  guint n = session != NULL ? mmr_session_get_n_events (session) : 0;

  g_list_store_remove_all (self->rows);
  g_hash_table_remove_all (self->by_id);
  for (guint i = 0; i < n; i++)
    add_event (self, i);
  update_count (self);
}

static void
selected_cb (GtkSingleSelection *selection, GParamSpec *pspec,
             MmrConflictsPanel *self)
{
  MmrConflictRow *row = gtk_single_selection_get_selected_item (selection);

  (void) pspec;
  if (row != NULL)
    g_signal_emit (self, signals[CONFLICT_SELECTED], 0, row->event_index);
}

static void
disconnect_session (MmrConflictsPanel *self)
{
  if (self->session == NULL)
    return;
  g_clear_signal_handler (&self->reset_id, self->session);
  g_clear_signal_handler (&self->event_added_id, self->session);
  g_clear_object (&self->session);
}

static void
mmr_conflicts_panel_dispose (GObject *object)
{
  MmrConflictsPanel *self = MMR_CONFLICTS_PANEL (object);

  disconnect_session (self);
  mmr_template_dispose (GTK_WIDGET (self), MMR_TYPE_CONFLICTS_PANEL);
  g_clear_object (&self->selection);
  g_clear_object (&self->rows);
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  G_OBJECT_CLASS (mmr_conflicts_panel_parent_class)->dispose (object);
}

static void
mmr_conflicts_panel_class_init (MmrConflictsPanelClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = mmr_conflicts_panel_dispose;
  signals[CONFLICT_SELECTED] = g_signal_new (
      "conflict-selected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
      NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  gtk_widget_class_set_template_from_resource (
      widget_class, "/org/mmrlab/Inspector/mmr-conflicts-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, MmrConflictsPanel,
                                        count_label);
  gtk_widget_class_bind_template_child (widget_class, MmrConflictsPanel,
                                        placeholder);
  gtk_widget_class_bind_template_child (widget_class, MmrConflictsPanel,
                                        scroller);
  gtk_widget_class_bind_template_child (widget_class, MmrConflictsPanel,
                                        list_view);
  gtk_widget_class_set_accessible_role (widget_class,
                                        GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
mmr_conflicts_panel_init (MmrConflictsPanel *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_list_store_new (MMR_TYPE_CONFLICT_ROW);
  self->by_id = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->selection = gtk_single_selection_new (
      g_object_ref (G_LIST_MODEL (self->rows)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect (self->selection, "notify::selected-item",
                    G_CALLBACK (selected_cb), self);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->list_view,
                           GTK_SELECTION_MODEL (self->selection));
  update_count (self);
}

GtkWidget *
mmr_conflicts_panel_new (void)
{
  return g_object_new (MMR_TYPE_CONFLICTS_PANEL, NULL);
}

void
mmr_conflicts_panel_set_session (MmrConflictsPanel *self, MmrSession *session)
{
  g_return_if_fail (MMR_IS_CONFLICTS_PANEL (self));
  g_return_if_fail (session == NULL || MMR_IS_SESSION (session));
  if (session == self->session)
    return;
  disconnect_session (self);
  if (session != NULL)
    {
      self->session = g_object_ref (session);
      self->reset_id = g_signal_connect (session, "reset",
                                         G_CALLBACK (reset_cb), self);
      self->event_added_id = g_signal_connect (
          session, "event-added", G_CALLBACK (event_added_cb), self);
    }
  reset_cb (session, self);
}

guint
mmr_conflicts_panel_get_n_conflicts (MmrConflictsPanel *self)
{
  g_return_val_if_fail (MMR_IS_CONFLICTS_PANEL (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->rows))
         - count_rejected (self);
}

char *
mmr_conflicts_panel_dup_text (MmrConflictsPanel *self, guint i)
{
  g_autoptr (MmrConflictRow) row = NULL;

  g_return_val_if_fail (MMR_IS_CONFLICTS_PANEL (self), NULL);
  row = g_list_model_get_item (G_LIST_MODEL (self->rows), i);
  g_return_val_if_fail (row != NULL, NULL);
  return conflict_row_text (row);
}

gboolean
mmr_conflicts_panel_select_event (MmrConflictsPanel *self, guint event_index)
{
  guint n;

  g_return_val_if_fail (MMR_IS_CONFLICTS_PANEL (self), FALSE);
  /* A CONFLICT event is always followed by its RESOLVE. */
  if (self->session != NULL)
    {
      const MmrSessionEvent *e = mmr_session_get_event (self->session,
                                                        event_index);

      if (e != NULL && e->ev.kind == MMR_EV_CONFLICT)
        event_index++;
    }
  n = g_list_model_get_n_items (G_LIST_MODEL (self->rows));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (MmrConflictRow) row = g_list_model_get_item (
          G_LIST_MODEL (self->rows), i);
      gboolean found = FALSE;

      for (guint k = 0; k < row->event_indices->len && !found; k++)
        found = g_array_index (row->event_indices, guint, k) == event_index;
      if (found)
        {
          gtk_single_selection_set_selected (self->selection, i);
          gtk_widget_activate_action (GTK_WIDGET (self->list_view),
                                      "list.scroll-to-item", "u", i);
          return TRUE;
        }
    }
  return FALSE;
}
