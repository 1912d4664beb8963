/* mmr-state-table.c - keys x replicas: what every replica shows
 *
 * The concept: multi-master replicas diverge and converge; the state table
 * makes that visible. One row per entry ("cart", "user.name"), one column
 * per replica; each cell holds the value a reader at that replica sees and
 * the register's version vector. Rows where replicas disagree are tinted
 * AND marked "≠" in their own column (colour is never the only signal);
 * siblings read "{eggs | milk}" with a "siblings" badge; tombstones appear
 * only when "Show deleted" is on.
 *
 * Interface:
 *   mmr_state_table_new / _set_session / _set_show_deleted
 *   signal "key-selected" (const char *name) when a row is selected
 *   _get_n_rows, _find_row, _dup_cell_text, _row_differs,
 *   _row_has_siblings, _select: for tests and the benchmark
 *
 * Invariants: the rows come from MmrStateModel (mmr-state-model.c), which
 * re-reads only what the world reported changed, so a step costs what it
 * changed, not the number of keys. "state-changed" is coalesced into one
 * update per main loop turn, skipped while the table is not mapped; the
 * accessors flush it first. Cells never hold state of their own: they are
 * re-filled from the row on bind and on the row's "revision".
 *
 * Taught in docs/conflicts.md ("Reading", "Siblings") via the inspector.
 */
#include "mmr-state-table.h"

#include "mmr-palette.h"
#include "mmr-state-model.h"
#include "mmr-template.h"

struct _MmrStateTable
{
  GtkWidget parent_instance;

  /* template widgets */
  GtkSearchEntry *search_entry;
  GtkCheckButton *only_differing_check;
  GtkCheckButton *show_deleted_check;
  GtkLabel *summary_label;
  GtkColumnView *column_view;

  /* owned */
  MmrSessionWatch watch;         /* the session shown, if any */
  MmrStateModel *model;
  GtkStringFilter *name_filter;
  GtkCustomFilter *differing_filter;
  GtkSingleSelection *selection;
  guint update_id;            /* coalesces "state-changed" to one update
                               * per main loop turn */
  gboolean is_update_pending; /* skipped while unmapped */
  guint n_columns_for;        /* replicas the columns were built for */
  char **column_names;        /* replica names the columns were built for */
};

G_DEFINE_FINAL_TYPE (MmrStateTable, mmr_state_table, GTK_TYPE_WIDGET)

enum { KEY_SELECTED, N_SIGNALS };
static guint signals[N_SIGNALS];

#define REPLICA_KEY "mmr-replica"
#define HANDLER_KEY "mmr-revision-handler"

/* ---- replica colours, shared by every cell ---- */

/* A thin stripe in the replica's palette colour on every cell of its
 * column: the same colour as its node, lane and clock row elsewhere. */
static void
ensure_replica_css (GtkWidget *widget)
{
  GdkDisplay *display = gtk_widget_get_display (widget);
  g_autoptr (GtkCssProvider) provider = NULL;
  GString *css;

  if (g_object_get_data (G_OBJECT (display), "mmr-replica-css") != NULL)
    return;
  css = g_string_new (NULL);
  for (guint r = 0; r < MMR_MAX_REPLICAS; r++)
    {
      GdkRGBA c;
      g_autofree char *s = NULL;

      mmr_palette_replica (r, &c);
      s = gdk_rgba_to_string (&c);
      g_string_append_printf (css, ".mmr-replica-stripe-%u "
                              "{ border-left: 4px solid %s; }\n", r, s);
    }
  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_data (provider, css->str, (gssize) css->len);
  gtk_style_context_add_provider_for_display (
      display, GTK_STYLE_PROVIDER (provider),
      GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_object_set_data_full (G_OBJECT (display), "mmr-replica-css",
                          g_steal_pointer (&provider), g_object_unref);
  g_string_free (css, TRUE);
}

/* ---- what a cell says ---- */

static gboolean
show_deleted (MmrStateTable *self)
{
  return gtk_check_button_get_active (self->show_deleted_check);
}

/* "—" no entry, "(deleted)" a tombstone, "{milk | (deleted)}" a value
 * with a concurrent delete (only when tombstones are shown). */
static char *
cell_text (const MmrStateCell *c, gboolean with_deleted)
{
  if (!c->is_present)
    return g_strdup ("—");
  if (c->is_absent || c->text == NULL)
    return g_strdup ("(deleted)");
  if (with_deleted && c->has_tombstone)
    {
      if (c->n_values > 1)
        return g_strdup_printf ("%.*s | (deleted)}",
                                (int) strlen (c->text) - 1, c->text);
      return g_strdup_printf ("{%s | (deleted)}", c->text);
    }
  return g_strdup (c->text);
}

static gboolean
cell_has_siblings (const MmrStateCell *c, gboolean with_deleted)
{
  return c->is_present && !c->is_absent
         && (c->n_values > 1 || (with_deleted && c->has_tombstone));
}

/* The word next to a value; it doubles as the badge's CSS class. */
static const char *
cell_badge (const MmrStateCell *c, gboolean with_deleted)
{
  if (!c->is_present)
    return NULL;
  if (c->is_absent)
    return "tombstone";
  if (cell_has_siblings (c, with_deleted))
    return "siblings";
  if (c->n_live > 1 && c->n_live > c->n_values)
    return "merged";
  return NULL;
}

/* Second line: the version vector, or the CRDT type (a CRDT key has no
 * version vector: its merge needs none). */
static char *
cell_detail (const MmrStateCell *c, const char *const *names)
{
  if (!c->is_present || names == NULL)
    return g_strdup ("");
  if (c->crdt_type != NULL)
    return g_strdup_printf ("%s (CRDT)", c->crdt_type);
  return mmr_version_vector_to_string (&c->vv, names);
}

/* ---- replica cells ---- */

/* A cell is a box (replica stripe, "differs" tint) holding one
 * GtkInscription with two lines - value, then version vector - and, only
 * once needed, a badge. GTK 4.8 list views instantiate about 200 rows
 * whatever is visible, so every widget per cell counts at reset. */
static void
replica_setup_cb (GtkSignalListItemFactory *factory, GtkListItem *item,
                  gpointer user_data)
{
  guint r = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory),
                                                 REPLICA_KEY));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *text = gtk_inscription_new (NULL);
  g_autofree char *stripe = g_strdup_printf ("mmr-replica-stripe-%u", r);

  (void) user_data;
  gtk_widget_add_css_class (box, "mmr-cell");
  gtk_widget_add_css_class (box, stripe);
  gtk_inscription_set_min_lines (GTK_INSCRIPTION (text), 2);
  gtk_inscription_set_nat_lines (GTK_INSCRIPTION (text), 2);
  gtk_inscription_set_min_chars (GTK_INSCRIPTION (text), 6);
  gtk_inscription_set_nat_chars (GTK_INSCRIPTION (text), 16);
  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (text),
                                     GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  gtk_widget_set_hexpand (text, TRUE);
  gtk_widget_add_css_class (text, "mmr-cell-value");
  gtk_box_append (GTK_BOX (box), text);
  gtk_list_item_set_child (item, box);
}

static void
set_badge (GtkWidget *box, const char *badge)
{
  GtkWidget *text = gtk_widget_get_first_child (box);
  GtkWidget *label = gtk_widget_get_next_sibling (text);

  if (badge == NULL)
    {
      if (label != NULL)
        gtk_widget_set_visible (label, FALSE);
      return;
    }
  if (label == NULL)
    {
      label = gtk_label_new (NULL);
      gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
      gtk_box_append (GTK_BOX (box), label);
    }
  gtk_label_set_text (GTK_LABEL (label), badge);
  gtk_widget_set_css_classes (label, (const char *[]) { "mmr-badge", badge,
                                                        NULL });
  gtk_widget_set_visible (label, TRUE);
}

static void
toggle_class (GtkWidget *widget, const char *css, gboolean on)
{
  if (on)
    gtk_widget_add_css_class (widget, css);
  else
    gtk_widget_remove_css_class (widget, css);
}

static void
fill_replica_cell (MmrStateTable *self, GtkListItem *item, guint r)
{
  MmrStateRow *row = gtk_list_item_get_item (item);
  const MmrStateCell *c = mmr_state_row_get_cell (row, r);
  gboolean with_deleted = show_deleted (self);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *text = gtk_widget_get_first_child (box);
  const char *const *names = self->column_names != NULL
      ? (const char *const *) self->column_names : NULL;
  const char *badge = cell_badge (c, with_deleted);
  gboolean differs = mmr_state_row_get_differs (row);
  g_autofree char *value = cell_text (c, with_deleted);
  g_autofree char *detail = cell_detail (c, names);
  g_autofree char *markup = g_markup_printf_escaped (
      "%s\n<span font_family=\"monospace\" size=\"small\" alpha=\"70%%\">"
      "%s</span>", value, detail);
  g_autofree char *tip = g_strdup_printf (
      "%s: %s%s%s\n%s%s", names != NULL ? names[r] : "?",
      c->is_present ? value : "no entry", badge != NULL ? " — " : "",
      badge != NULL ? badge : "", *detail != '\0' ? detail : "{}",
      differs ? "\nreplicas disagree on this key" : "");

  gtk_inscription_set_markup (GTK_INSCRIPTION (text), markup);
  set_badge (box, badge);
  toggle_class (box, "differs", differs);
  toggle_class (box, "absent", !c->is_present || c->is_absent);
  gtk_widget_set_tooltip_text (box, tip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (box),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, tip, -1);
}

static void
replica_revision_cb (MmrStateRow *row, GParamSpec *pspec, GtkListItem *item)
{
  MmrStateTable *self = g_object_get_data (G_OBJECT (item), "mmr-table");
  guint r = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (item), REPLICA_KEY));

  (void) row;
  (void) pspec;
  fill_replica_cell (self, item, r);
}

static void
watch_row (GtkListItem *item, GCallback cb)
{
  GObject *row = gtk_list_item_get_item (item);
  gulong id = g_signal_connect (row, "notify::revision", cb, item);

  g_object_set_data (G_OBJECT (item), HANDLER_KEY, GSIZE_TO_POINTER (id));
}

static void
unwatch_row (GtkListItem *item)
{
  gulong id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (item),
                                                   HANDLER_KEY));
  GObject *row = gtk_list_item_get_item (item);

  if (id != 0 && row != NULL)
    g_signal_handler_disconnect (row, id);
  g_object_set_data (G_OBJECT (item), HANDLER_KEY, NULL);
}

static void
replica_bind_cb (GtkSignalListItemFactory *factory, GtkListItem *item,
                 MmrStateTable *self)
{
  guint r = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory),
                                                 REPLICA_KEY));

  g_object_set_data (G_OBJECT (item), "mmr-table", self);
  g_object_set_data (G_OBJECT (item), REPLICA_KEY, GUINT_TO_POINTER (r));
  fill_replica_cell (self, item, r);
  watch_row (item, G_CALLBACK (replica_revision_cb));
}

static void
unbind_cb (GtkSignalListItemFactory *factory, GtkListItem *item,
           gpointer user_data)
{
  (void) factory;
  (void) user_data;
  unwatch_row (item);
}

/* ---- the key and "differs" columns ---- */

static void
label_setup_cb (GtkSignalListItemFactory *factory, GtkListItem *item,
                gpointer user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  (void) factory;
  (void) user_data;
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_list_item_set_child (item, label);
}

static void
key_bind_cb (GtkSignalListItemFactory *factory, GtkListItem *item,
             gpointer user_data)
{
  MmrStateRow *row = gtk_list_item_get_item (item);

  (void) factory;
  (void) user_data;
  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)),
                      mmr_state_row_get_name (row));
}

static void
fill_differs (GtkListItem *item)
{
  GtkWidget *label = gtk_list_item_get_child (item);
  gboolean differs = mmr_state_row_get_differs (gtk_list_item_get_item (item));

  gtk_label_set_text (GTK_LABEL (label), differs ? "≠" : "");
  gtk_widget_set_tooltip_text (label, differs ? "Replicas disagree" : NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  differs ? "differs" : "same everywhere", -1);
  if (differs)
    gtk_widget_add_css_class (label, "mmr-differs-marker");
  else
    gtk_widget_remove_css_class (label, "mmr-differs-marker");
}

static void
differs_revision_cb (MmrStateRow *row, GParamSpec *pspec, GtkListItem *item)
{
  (void) row;
  (void) pspec;
  fill_differs (item);
}

static void
differs_bind_cb (GtkSignalListItemFactory *factory, GtkListItem *item,
                 gpointer user_data)
{
  (void) factory;
  (void) user_data;
  fill_differs (item);
  watch_row (item, G_CALLBACK (differs_revision_cb));
}

static GtkColumnViewColumn *
column_new (const char *title, GCallback setup, GCallback bind,
            GCallback unbind, gpointer data, guint replica)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;

  g_object_set_data (G_OBJECT (factory), REPLICA_KEY,
                     GUINT_TO_POINTER (replica));
  g_signal_connect (factory, "setup", setup, data);
  g_signal_connect (factory, "bind", bind, data);
  if (unbind != NULL)
    g_signal_connect (factory, "unbind", unbind, data);
  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_resizable (column, TRUE);
  return column;
}

static void
remove_columns (MmrStateTable *self)
{
  GListModel *columns = gtk_column_view_get_columns (self->column_view);

  while (g_list_model_get_n_items (columns) > 0)
    {
      g_autoptr (GtkColumnViewColumn) c = g_list_model_get_item (columns, 0);

      gtk_column_view_remove_column (self->column_view, c);
    }
}

static void
add_column (MmrStateTable *self, GtkColumnViewColumn *column)
{
  gtk_column_view_append_column (self->column_view, column);
  g_object_unref (column);
}

/* Columns follow the world's replicas; rebuilt only when they change. */
static void
build_columns (MmrStateTable *self, MmrWorld *world)
{
  guint n = world != NULL ? mmr_world_n_replicas (world) : 0;
  const char *const *names = world != NULL ? mmr_world_replica_names (world)
                                           : NULL;
  GtkColumnViewColumn *c;

  if (self->column_names != NULL && n == self->n_columns_for
      && (n == 0 || g_strv_equal ((const char *const *) self->column_names,
                                  names)))
    return;
  remove_columns (self);
  g_clear_pointer (&self->column_names, g_strfreev);
  self->n_columns_for = n;
  self->column_names = g_new0 (char *, n + 1);
  for (guint r = 0; r < n; r++)
    self->column_names[r] = g_strdup (names[r]);
  c = column_new ("Key", G_CALLBACK (label_setup_cb), G_CALLBACK (key_bind_cb),
                  NULL, self, 0);
  gtk_column_view_column_set_fixed_width (c, 160);
  add_column (self, c);
  c = column_new ("≠", G_CALLBACK (label_setup_cb),
                  G_CALLBACK (differs_bind_cb), G_CALLBACK (unbind_cb), self, 0);
  gtk_column_view_column_set_fixed_width (c, 36);
  add_column (self, c);
  for (guint r = 0; r < n; r++)
    {
      c = column_new (names[r], G_CALLBACK (replica_setup_cb),
                      G_CALLBACK (replica_bind_cb), G_CALLBACK (unbind_cb),
                      self, r);
      gtk_column_view_column_set_expand (c, TRUE);
      add_column (self, c);
    }
}

/* ---- refreshing ---- */

static void
update_summary (MmrStateTable *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  guint d = mmr_state_model_get_n_differing (self->model);
  g_autofree char *text = NULL;

  if (d == 0)
    text = g_strdup_printf ("%u %s · replicas agree", n,
                            n == 1 ? "key" : "keys");
  else
    text = g_strdup_printf ("%u %s · %u differ", n, n == 1 ? "key" : "keys",
                            d);
  gtk_label_set_text (self->summary_label, text);
}

static void
refilter_differing (MmrStateTable *self)
{
  if (gtk_check_button_get_active (self->only_differing_check))
    gtk_filter_changed (GTK_FILTER (self->differing_filter),
                        GTK_FILTER_CHANGE_DIFFERENT);
}

static void
reset_cb (MmrSession *session, MmrStateTable *self)
{
  MmrWorld *world = mmr_session_get_world (session);

  g_clear_handle_id (&self->update_id, g_source_remove);
  self->is_update_pending = FALSE;
  build_columns (self, world);
  mmr_state_model_attach (self->model, world);
  refilter_differing (self);
  update_summary (self);
}

static void
update_now (MmrStateTable *self)
{
  g_clear_handle_id (&self->update_id, g_source_remove);
  self->is_update_pending = FALSE;
  if (!mmr_state_model_is_dirty (self->model))
    return;
  mmr_state_model_update (self->model);
  refilter_differing (self);
  update_summary (self);
}

/* Playback emits "state-changed" after every step or batch; the table
 * reads the world at most once per main loop turn, before the redraw,
 * and not at all while it is not on screen. */
static gboolean
update_idle_cb (gpointer data)
{
  MmrStateTable *self = data;

  self->update_id = 0;
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->is_update_pending = TRUE;
      return G_SOURCE_REMOVE;
    }
  update_now (self);
  return G_SOURCE_REMOVE;
}

static void
state_changed_cb (MmrSession *session, MmrStateTable *self)
{
  /* A world we did not see arrive (no "reset" yet): start over. */
  if (mmr_session_get_world (session)
      != mmr_state_model_get_world (self->model))
    {
      reset_cb (session, self);
      return;
    }
  if (self->update_id == 0 && mmr_state_model_is_dirty (self->model))
    self->update_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE + 10,
                                       update_idle_cb, self, NULL);
}

static void
search_changed_cb (GtkSearchEntry *entry, MmrStateTable *self)
{
  gtk_string_filter_set_search (self->name_filter,
                                gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
only_differing_toggled_cb (GtkCheckButton *check, MmrStateTable *self)
{
  gtk_filter_changed (GTK_FILTER (self->differing_filter),
                      gtk_check_button_get_active (check)
                      ? GTK_FILTER_CHANGE_MORE_STRICT
                      : GTK_FILTER_CHANGE_LESS_STRICT);
}

static void
show_deleted_toggled_cb (GtkCheckButton *check, MmrStateTable *self)
{
  mmr_state_model_set_with_absent (self->model,
                                   gtk_check_button_get_active (check));
  /* Bound cells must re-read their text: the "(deleted)" parts changed. */
  gtk_column_view_set_model (self->column_view, NULL);
  gtk_column_view_set_model (self->column_view,
                             GTK_SELECTION_MODEL (self->selection));
  update_summary (self);
}

static gboolean
differing_match (gpointer item, gpointer user_data)
{
  MmrStateTable *self = user_data;

  return !gtk_check_button_get_active (self->only_differing_check)
         || mmr_state_row_get_differs (item);
}

static void
selected_cb (GtkSingleSelection *selection, GParamSpec *pspec,
             MmrStateTable *self)
{
  MmrStateRow *row = gtk_single_selection_get_selected_item (selection);

  (void) pspec;
  if (row != NULL)
    g_signal_emit (self, signals[KEY_SELECTED], 0,
                   mmr_state_row_get_name (row));
}

/* ---- GObject ---- */

static void
disconnect_session (MmrStateTable *self)
{
  if (self->watch.session == NULL)
    return;
  /* Remove our observer only from a world that is still alive. */
  if (mmr_state_model_get_world (self->model)
      == mmr_session_get_world (self->watch.session))
    mmr_state_model_detach (self->model);
  mmr_state_model_attach (self->model, NULL);
  mmr_session_watch_clear (&self->watch);
}

static void
mmr_state_table_dispose (GObject *object)
{
  MmrStateTable *self = MMR_STATE_TABLE (object);

  disconnect_session (self);
  g_clear_handle_id (&self->update_id, g_source_remove);
  mmr_template_dispose (GTK_WIDGET (self), MMR_TYPE_STATE_TABLE);
  g_clear_object (&self->selection);
  g_clear_object (&self->model);
  g_clear_pointer (&self->column_names, g_strfreev);
  G_OBJECT_CLASS (mmr_state_table_parent_class)->dispose (object);
}

static void
mmr_state_table_map (GtkWidget *widget)
{
  MmrStateTable *self = MMR_STATE_TABLE (widget);

  GTK_WIDGET_CLASS (mmr_state_table_parent_class)->map (widget);
  if (self->is_update_pending)
    update_now (self);
}

static void
mmr_state_table_class_init (MmrStateTableClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mmr_state_table_dispose;
  widget_class->map = mmr_state_table_map;
  signals[KEY_SELECTED] = g_signal_new ("key-selected",
                                        G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                        NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  gtk_widget_class_set_template_from_resource (
      widget_class, "/org/mmrlab/Inspector/mmr-state-table.ui");
  gtk_widget_class_bind_template_child (widget_class, MmrStateTable,
                                        search_entry);
  gtk_widget_class_bind_template_child (widget_class, MmrStateTable,
                                        only_differing_check);
  gtk_widget_class_bind_template_child (widget_class, MmrStateTable,
                                        show_deleted_check);
  gtk_widget_class_bind_template_child (widget_class, MmrStateTable,
                                        summary_label);
  gtk_widget_class_bind_template_child (widget_class, MmrStateTable,
                                        column_view);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class,
                                           only_differing_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class,
                                           show_deleted_toggled_cb);
  gtk_widget_class_set_accessible_role (widget_class,
                                        GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
mmr_state_table_init (MmrStateTable *self)
{
  GtkExpression *name_expr;
  GtkEveryFilter *filter;
  GtkFilterListModel *filtered;

  gtk_widget_init_template (GTK_WIDGET (self));
  ensure_replica_css (GTK_WIDGET (self));
  self->model = mmr_state_model_new ();
  name_expr = gtk_property_expression_new (MMR_TYPE_STATE_ROW, NULL, "name");
  self->name_filter = gtk_string_filter_new (name_expr);
  gtk_string_filter_set_match_mode (self->name_filter,
                                    GTK_STRING_FILTER_MATCH_MODE_SUBSTRING);
  self->differing_filter = gtk_custom_filter_new (differing_match, self, NULL);
  filter = gtk_every_filter_new ();
  gtk_multi_filter_append (GTK_MULTI_FILTER (filter),
                           GTK_FILTER (self->name_filter));
  gtk_multi_filter_append (GTK_MULTI_FILTER (filter),
                           GTK_FILTER (self->differing_filter));
  filtered = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->model)),
                                        GTK_FILTER (filter));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (filtered));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect (self->selection, "notify::selected-item",
                    G_CALLBACK (selected_cb), self);
  gtk_column_view_set_model (self->column_view,
                             GTK_SELECTION_MODEL (self->selection));
  update_summary (self);
}

GtkWidget *
mmr_state_table_new (void)
{
  return g_object_new (MMR_TYPE_STATE_TABLE, NULL);
}

void
mmr_state_table_set_session (MmrStateTable *self, MmrSession *session)
{
  g_return_if_fail (MMR_IS_STATE_TABLE (self));
  g_return_if_fail (session == NULL || MMR_IS_SESSION (session));
  if (session == self->watch.session)
    return;
  disconnect_session (self);
  if (session == NULL)
    {
      build_columns (self, NULL);
      update_summary (self);
      return;
    }
  mmr_session_watch_connect (&self->watch, session, G_CALLBACK (reset_cb),
                             G_CALLBACK (state_changed_cb), self);
  reset_cb (session, self);
}

void
mmr_state_table_set_show_deleted (MmrStateTable *self, gboolean show)
{
  g_return_if_fail (MMR_IS_STATE_TABLE (self));
  gtk_check_button_set_active (self->show_deleted_check, show);
}

/* ---- for tests ---- */

MmrStateModel *
mmr_state_table_get_model (MmrStateTable *self)
{
  g_return_val_if_fail (MMR_IS_STATE_TABLE (self), NULL);
  update_now (self);
  return self->model;
}

guint
mmr_state_table_get_n_rows (MmrStateTable *self)
{
  g_return_val_if_fail (MMR_IS_STATE_TABLE (self), 0);
  update_now (self);
  return g_list_model_get_n_items (G_LIST_MODEL (self->model));
}

int
mmr_state_table_find_row (MmrStateTable *self, const char *name)
{
  g_return_val_if_fail (MMR_IS_STATE_TABLE (self), -1);
  update_now (self);
  return mmr_state_model_find (self->model, name);
}

static MmrStateRow *
row_at (MmrStateTable *self, guint row)
{
  update_now (self);
  return g_list_model_get_item (G_LIST_MODEL (self->model), row);
}

char *
mmr_state_table_dup_cell_text (MmrStateTable *self, guint row, guint replica)
{
  g_autoptr (MmrStateRow) r = NULL;

  g_return_val_if_fail (MMR_IS_STATE_TABLE (self), NULL);
  r = row_at (self, row);
  g_return_val_if_fail (r != NULL && replica < MMR_MAX_REPLICAS, NULL);
  return cell_text (mmr_state_row_get_cell (r, replica), show_deleted (self));
}

gboolean
mmr_state_table_row_differs (MmrStateTable *self, guint row)
{
  g_autoptr (MmrStateRow) r = NULL;

  g_return_val_if_fail (MMR_IS_STATE_TABLE (self), FALSE);
  r = row_at (self, row);
  g_return_val_if_fail (r != NULL, FALSE);
  return mmr_state_row_get_differs (r);
}

gboolean
mmr_state_table_row_has_siblings (MmrStateTable *self, guint row,
                                  guint replica)
{
  g_autoptr (MmrStateRow) r = NULL;

  g_return_val_if_fail (MMR_IS_STATE_TABLE (self), FALSE);
  r = row_at (self, row);
  g_return_val_if_fail (r != NULL && replica < MMR_MAX_REPLICAS, FALSE);
  return cell_has_siblings (mmr_state_row_get_cell (r, replica),
                            show_deleted (self));
}

gboolean
mmr_state_table_select (MmrStateTable *self, const char *name)
{
  GListModel *shown;
  guint n;

  g_return_val_if_fail (MMR_IS_STATE_TABLE (self), FALSE);
  update_now (self);
  shown = gtk_single_selection_get_model (self->selection);
  n = g_list_model_get_n_items (shown);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (MmrStateRow) row = g_list_model_get_item (shown, i);

      if (g_strcmp0 (mmr_state_row_get_name (row), name) == 0)
        {
          gtk_single_selection_set_selected (self->selection, i);
          return TRUE;
        }
    }
  return FALSE;
}
