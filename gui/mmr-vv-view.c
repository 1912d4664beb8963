/* mmr-vv-view.c - the selected key's version vectors, side by side
 *
 * The concept: a version vector says how many writes from each replica a
 * register includes. Comparing two replicas' vectors entry by entry gives
 * exactly one of four answers (core/version-vector.h): equal, one
 * dominates the other, or concurrent - each has a write the other lacks,
 * which is what a conflict is. This view puts the vectors of one register
 * in a grid (rows: replicas; columns: vector entries) and lists every
 * pair's relation in words ("A dominates B", "A ∥ C concurrent") on a
 * tint that repeats the word, never instead of it.
 *
 * Interface:
 *   mmr_vv_view_new / _set_session / _set_key
 *   mmr_vv_view_dup_relation_text      what a pair's line says (tests)
 *   mmr_vv_view_describe_relation      the words for one comparison
 *
 * Invariants: the view only reads the world (mmr_world_get_store and a
 * register lookup: O(replicas) per refresh, independent of the number of
 * keys), and rebuilds its widgets only when a vector or a sibling changed.
 *
 * Taught in docs/version-vectors.md and lab 02.
 */
#include "mmr-vv-view.h"

#include <string.h>

#include "mmr-swatch.h"
#include "sim/view.h"
#include "store/record.h"
#include "store/store.h"

/* What the view shows for one replica; compared to skip redundant
 * rebuilds. Dots name writes, so equal dots mean equal values. */
#define MAX_DOTS 8

typedef struct {
  gboolean is_known;          /* the replica has the register */
  MmrVersionVector vv;
  guint n_siblings;
  MmrDot dots[MAX_DOTS];
} Snapshot;

struct _MmrVvView
{
  GtkWidget parent_instance;

  /* children */
  GtkWidget *title;
  GtkWidget *hint;
  GtkWidget *grid;
  GtkWidget *relations_title;
  GtkWidget *relations;

  /* owned */
  MmrSessionWatch watch;         /* the session followed, if any */
  char *name;
  guint n_replicas;
  Snapshot shown[MMR_MAX_REPLICAS];
  gboolean is_valid;          /* shown[] matches the widgets */
  char *relation_text[MMR_MAX_REPLICAS][MMR_MAX_REPLICAS];
};

G_DEFINE_FINAL_TYPE (MmrVvView, mmr_vv_view, GTK_TYPE_WIDGET)

/* ---- words ---- */

char *
mmr_vv_view_describe_relation (MmrVvOrder order, const char *a, const char *b)
{
  switch (order)
    {
    case MMR_VV_EQUAL:
      return g_strdup_printf ("%s = %s equal", a, b);
    case MMR_VV_DOMINATES:
      return g_strdup_printf ("%s dominates %s", a, b);
    case MMR_VV_DOMINATED:
      return g_strdup_printf ("%s dominates %s", b, a);
    case MMR_VV_CONCURRENT:
      return g_strdup_printf ("%s ∥ %s concurrent", a, b);
    default:
      g_assert_not_reached ();
    }
}

static const char *
relation_explain (MmrVvOrder order)
{
  switch (order)
    {
    case MMR_VV_EQUAL:
      return "both have seen exactly the same writes";
    case MMR_VV_DOMINATES:
    case MMR_VV_DOMINATED:
      return "one has seen everything the other has, and more: "
             "no conflict, the newer state wins";
    case MMR_VV_CONCURRENT:
      return "each has a write the other has not seen: a conflict";
    default:
      g_assert_not_reached ();
    }
}

static const char *
relation_css (MmrVvOrder order)
{
  return order == MMR_VV_EQUAL ? "equal"
         : order == MMR_VV_CONCURRENT ? "concurrent" : "dominates";
}

/* ---- reading the world ---- */

static const MmrRegister *
lookup_register (MmrWorld *world, guint replica, const char *register_name)
{
  /* The store is only read; its lookup is not const-qualified. */
  MmrStore *store = (MmrStore *) mmr_world_get_store (world, replica);

  return mmr_store_lookup (store, register_name);
}

static char *
register_of (MmrWorld *world, const char *name, char **out_field)
{
  g_autofree char *key = NULL;

  mmr_record_split_name (name, &key, out_field);
  return mmr_record_register_name (mmr_world_get_config (world)->granularity,
                                   key, *out_field);
}

static void
take_snapshot (MmrWorld *world, const char *register_name, Snapshot *out)
{
  guint n = mmr_world_n_replicas (world);

  memset (out, 0, sizeof (Snapshot) * MMR_MAX_REPLICAS);
  for (guint r = 0; r < n; r++)
    {
      const MmrRegister *reg = lookup_register (world, r, register_name);

      if (reg == NULL)
        continue;
      out[r].is_known = TRUE;
      out[r].vv = reg->vv;
      out[r].n_siblings = reg->n_siblings;
      for (guint i = 0; i < MIN (reg->n_siblings, MAX_DOTS); i++)
        out[r].dots[i] = reg->siblings[i].dot;
    }
}

/* The CRDT type of key @name at any replica, or NULL for a register. */
static const char *
crdt_type_of (MmrWorld *world, const char *name)
{
  for (guint r = 0; r < mmr_world_n_replicas (world); r++)
    {
      const MmrCrdt *c = mmr_world_get_crdt (world, r, name);

      if (c != NULL)
        return mmr_crdt_type_to_string (mmr_crdt_type_of (c));
    }
  return NULL;
}

/* One sibling as a reader sees it, with the dot of the write that made
 * it: "milk (A:1)". */
static char *
sibling_text (MmrWorld *world, const char *field, const MmrVersion *v)
{
  MmrGranularity g = mmr_world_get_config (world)->granularity;
  const char *who = mmr_world_replica_name (world, v->dot.replica);
  g_autofree char *shown = NULL;

  if (v->value == NULL)
    shown = g_strdup ("(deleted)");
  else if (g == MMR_GRANULARITY_RECORD && *field != '\0')
    {
      shown = mmr_record_dup_field (v->value, field);
      if (shown == NULL)
        shown = g_strdup ("(no such field)");
    }
  else
    shown = mmr_view_format_value (g, v->value);
  return g_strdup_printf ("%s (%s:%u)", shown, who, v->dot.counter);
}

static char *
values_text (MmrWorld *world, guint replica, const char *register_name,
             const char *field)
{
  const MmrRegister *reg = lookup_register (world, replica, register_name);
  GString *s;

  if (reg == NULL)
    return g_strdup ("not heard of yet");
  if (reg->n_siblings == 0)
    return g_strdup ("(no version)");
  s = g_string_new (reg->n_siblings > 1 ? "siblings: " : "");
  for (guint i = 0; i < reg->n_siblings; i++)
    {
      g_autofree char *t = sibling_text (world, field, &reg->siblings[i]);

      g_string_append_printf (s, "%s%s", i > 0 ? " | " : "", t);
    }
  return g_string_free (s, FALSE);
}

/* ---- widgets ---- */



static void
clear_children (GtkWidget *container)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (container)) != NULL)
    {
      if (GTK_IS_GRID (container))
        gtk_grid_remove (GTK_GRID (container), child);
      else
        gtk_box_remove (GTK_BOX (container), child);
    }
}

static void
clear_relation_texts (MmrVvView *self)
{
  for (guint a = 0; a < MMR_MAX_REPLICAS; a++)
    for (guint b = 0; b < MMR_MAX_REPLICAS; b++)
      g_clear_pointer (&self->relation_text[a][b], g_free);
}

/* A count is "ahead" when some other replica has seen fewer writes from
 * that entry's replica: the bold numbers are what is still to spread. */
static GtkWidget *
count_label (const Snapshot *s, guint n, guint r, guint e, MmrWorld *world)
{
  g_autofree char *text = g_strdup_printf ("%u", s[r].vv.c[e]);
  g_autofree char *a11y = NULL;
  GtkWidget *label = gtk_label_new (text);
  guint32 lowest = G_MAXUINT32;

  for (guint o = 0; o < n; o++)
    lowest = MIN (lowest, s[o].vv.c[e]);
  gtk_widget_add_css_class (label, "mmr-vv-count");
  if (s[r].vv.c[e] == 0)
    gtk_widget_add_css_class (label, "zero");
  else if (s[r].vv.c[e] > lowest)
    gtk_widget_add_css_class (label, "ahead");
  a11y = g_strdup_printf ("%s has seen %u writes from %s",
                          mmr_world_replica_name (world, r), s[r].vv.c[e],
                          mmr_world_replica_name (world, e));
  gtk_widget_set_tooltip_text (label, a11y);
  gtk_accessible_update_property (GTK_ACCESSIBLE (label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
  return label;
}

static void
build_grid (MmrVvView *self, MmrWorld *world, const char *register_name,
            const char *field)
{
  GtkGrid *grid = GTK_GRID (self->grid);
  guint n = self->n_replicas;

  clear_children (self->grid);
  gtk_grid_attach (grid, gtk_label_new ("writes seen from →"), 0, 0, 1, 1);
  for (guint e = 0; e < n; e++)
    gtk_grid_attach (grid,
                     mmr_swatch_label_new (e, mmr_world_replica_name (world, e)),
                     (int) e + 1, 0, 1, 1);
  gtk_grid_attach (grid, gtk_label_new ("versions (dot)"), (int) n + 1, 0, 1, 1);
  for (guint r = 0; r < n; r++)
    {
      g_autofree char *values = values_text (world, r, register_name, field);
      GtkWidget *v = gtk_label_new (values);

      gtk_grid_attach (grid,
                       mmr_swatch_label_new (r,
                                             mmr_world_replica_name (world, r)),
                       0, (int) r + 1, 1, 1);
      for (guint e = 0; e < n; e++)
        gtk_grid_attach (grid, count_label (self->shown, n, r, e, world),
                         (int) e + 1, (int) r + 1, 1, 1);
      gtk_label_set_xalign (GTK_LABEL (v), 0);
      gtk_label_set_wrap (GTK_LABEL (v), TRUE);
      gtk_widget_set_hexpand (v, TRUE);
      gtk_grid_attach (grid, v, (int) n + 1, (int) r + 1, 1, 1);
    }
}

static GtkWidget *
relation_row (MmrVvView *self, MmrWorld *world, guint a, guint b)
{
  MmrVvOrder order = mmr_version_vector_compare (&self->shown[a].vv,
                                                 &self->shown[b].vv);
  char *text = mmr_vv_view_describe_relation (
      order, mmr_world_replica_name (world, a),
      mmr_world_replica_name (world, b));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (text);
  GtkWidget *why = gtk_label_new (relation_explain (order));
  g_autofree char *a11y = g_strdup_printf ("%s: %s", text,
                                           relation_explain (order));

  self->relation_text[a][b] = text;
  gtk_widget_add_css_class (label, "mmr-relation");
  gtk_widget_add_css_class (label, relation_css (order));
  gtk_widget_add_css_class (why, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (why), 0);
  gtk_label_set_wrap (GTK_LABEL (why), TRUE);
  gtk_box_append (GTK_BOX (box),
                  mmr_swatch_label_new (a, mmr_world_replica_name (world, a)));
  gtk_box_append (GTK_BOX (box),
                  mmr_swatch_label_new (b, mmr_world_replica_name (world, b)));
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), why);
  gtk_accessible_update_property (GTK_ACCESSIBLE (box),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
  return box;
}

static void
build_relations (MmrVvView *self, MmrWorld *world)
{
  clear_children (self->relations);
  clear_relation_texts (self);
  for (guint a = 0; a < self->n_replicas; a++)
    for (guint b = a + 1; b < self->n_replicas; b++)
      gtk_box_append (GTK_BOX (self->relations),
                      relation_row (self, world, a, b));
}

static void
show_hint (MmrVvView *self, const char *hint)
{
  gtk_label_set_text (GTK_LABEL (self->hint), hint);
  gtk_widget_set_visible (self->hint, TRUE);
  gtk_widget_set_visible (self->grid, FALSE);
  gtk_widget_set_visible (self->relations_title, FALSE);
  gtk_widget_set_visible (self->relations, FALSE);
  clear_relation_texts (self);
  self->is_valid = FALSE;
}

static void
refresh (MmrVvView *self)
{
  MmrWorld *world = self->watch.session != NULL
                    ? mmr_session_get_world (self->watch.session) : NULL;
  g_autofree char *field = NULL;
  g_autofree char *register_name = NULL;
  g_autofree char *title = NULL;
  const char *crdt;
  Snapshot now[MMR_MAX_REPLICAS];

  if (world == NULL || self->name == NULL)
    {
      gtk_label_set_text (GTK_LABEL (self->title), "Version vectors");
      show_hint (self, world == NULL
                 ? "Open a scenario to see version vectors."
                 : "Select a key in the state table to compare its version "
                   "vectors at every replica.");
      return;
    }
  crdt = crdt_type_of (world, self->name);
  if (crdt != NULL)
    {
      g_autofree char *hint = g_strdup_printf (
          "%s is a CRDT (%s): replicas merge its state directly, so it "
          "needs no version vector and never has siblings.",
          self->name, crdt);

      title = g_strdup_printf ("Version vectors of %s", self->name);
      gtk_label_set_text (GTK_LABEL (self->title), title);
      show_hint (self, hint);
      return;
    }
  register_name = register_of (world, self->name, &field);
  take_snapshot (world, register_name, now);
  if (self->is_valid && self->n_replicas == mmr_world_n_replicas (world)
      && memcmp (now, self->shown, sizeof now) == 0)
    return;
  memcpy (self->shown, now, sizeof now);
  self->n_replicas = mmr_world_n_replicas (world);
  title = strcmp (register_name, self->name) == 0
          ? g_strdup_printf ("Version vectors of %s", self->name)
          : g_strdup_printf ("Version vectors of %s (register %s)",
                             self->name, register_name);
  gtk_label_set_text (GTK_LABEL (self->title), title);
  gtk_widget_set_visible (self->hint, FALSE);
  gtk_widget_set_visible (self->grid, TRUE);
  gtk_widget_set_visible (self->relations_title, TRUE);
  gtk_widget_set_visible (self->relations, TRUE);
  build_grid (self, world, register_name, field);
  build_relations (self, world);
  self->is_valid = TRUE;
}

static void
reset_cb (MmrSession *session, MmrVvView *self)
{
  (void) session;
  self->is_valid = FALSE;
  refresh (self);
}

static void
state_changed_cb (MmrSession *session, MmrVvView *self)
{
  (void) session;
  refresh (self);
}

/* ---- GObject ---- */

static void
mmr_vv_view_dispose (GObject *object)
{
  MmrVvView *self = MMR_VV_VIEW (object);
  GtkWidget *child;

  mmr_session_watch_clear (&self->watch);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  clear_relation_texts (self);
  g_clear_pointer (&self->name, g_free);
  G_OBJECT_CLASS (mmr_vv_view_parent_class)->dispose (object);
}

static void
mmr_vv_view_class_init (MmrVvViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = mmr_vv_view_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class,
                                        GTK_ACCESSIBLE_ROLE_GROUP);
}

static GtkWidget *
heading_new (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  return label;
}

static void
mmr_vv_view_init (MmrVvView *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkBoxLayout *layout = GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (widget));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout),
                                  GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (layout, 8);
  self->title = heading_new ("Version vectors");
  self->hint = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->hint), TRUE);
  gtk_widget_add_css_class (self->hint, "dim-label");
  self->grid = gtk_grid_new ();
  gtk_grid_set_row_spacing (GTK_GRID (self->grid), 4);
  gtk_grid_set_column_spacing (GTK_GRID (self->grid), 8);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->grid),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Version vector of each replica", -1);
  self->relations_title = heading_new ("Relations");
  self->relations = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_widget_set_parent (self->title, widget);
  gtk_widget_set_parent (self->hint, widget);
  gtk_widget_set_parent (self->grid, widget);
  gtk_widget_set_parent (self->relations_title, widget);
  gtk_widget_set_parent (self->relations, widget);
  gtk_widget_set_margin_start (widget, 8);
  gtk_widget_set_margin_end (widget, 8);
  gtk_widget_set_margin_top (widget, 8);
  gtk_widget_set_margin_bottom (widget, 8);
  refresh (self);
}

GtkWidget *
mmr_vv_view_new (void)
{
  return g_object_new (MMR_TYPE_VV_VIEW, NULL);
}

void
mmr_vv_view_set_session (MmrVvView *self, MmrSession *session)
{
  g_return_if_fail (MMR_IS_VV_VIEW (self));
  g_return_if_fail (session == NULL || MMR_IS_SESSION (session));
  if (session == self->watch.session)
    return;
  mmr_session_watch_clear (&self->watch);
  mmr_session_watch_connect (&self->watch, session, G_CALLBACK (reset_cb),
                             G_CALLBACK (state_changed_cb), self);
  self->is_valid = FALSE;
  refresh (self);
}

void
mmr_vv_view_set_key (MmrVvView *self, const char *name)
{
  g_return_if_fail (MMR_IS_VV_VIEW (self));
  if (g_strcmp0 (name, self->name) == 0)
    return;
  g_free (self->name);
  self->name = g_strdup (name);
  self->is_valid = FALSE;
  refresh (self);
}

char *
mmr_vv_view_dup_relation_text (MmrVvView *self, guint a, guint b)
{
  g_return_val_if_fail (MMR_IS_VV_VIEW (self), NULL);
  g_return_val_if_fail (a < MMR_MAX_REPLICAS && b < MMR_MAX_REPLICAS, NULL);
  if (a > b)
    {
      guint t = a;

      a = b;
      b = t;
    }
  return g_strdup (self->relation_text[a][b]);
}
