/* mmr-state-model.c - the state table's rows, kept current incrementally
 *
 * The concept: the state table shows, for every entry ("cart",
 * "user.name") and every replica, what a reader at that replica sees. The
 * rows are the union of the replicas' views (sim/view.h), so the table
 * agrees with the checkers and the CLI on what "visible" means.
 *
 * Interface:
 *   MmrStateRow    one entry: name, register, one MmrStateCell per replica,
 *                  whether the replicas disagree; "revision" notifies when
 *                  a cell changed, so bound widgets redraw in place.
 *   MmrStateModel  a GListModel of rows sorted by name.
 *     _attach      observe a world's register changes (change observer)
 *     _rebuild     re-read every replica
 *     _update      re-read only what changed since the last update
 *
 * Why incremental: with 10,000 keys and 7 replicas, re-reading everything
 * on every step would cost tens of milliseconds. The world tells us which
 * registers changed at which replica (mmr_world_add_change_observer), so an
 * update re-reads only the views of the replicas that changed and touches
 * only the rows of the registers that changed. A row that did not change
 * keeps its object, so the selection and the bound widgets survive.
 *
 * Invariants:
 *   - rows are sorted by strcmp on the name, names are unique;
 *   - a row has at least one present cell, or it is removed;
 *   - n_differing counts the rows whose differs flag is set.
 *
 * Taught in docs/conflicts.md ("Reading") through the inspector.
 */
#include "mmr-state-model.h"

#include <string.h>

#include "sim/view.h"

/* Past this many structural changes one "everything changed" signal is
 * cheaper for the views than one signal per row. */
#define BULK_THRESHOLD 64

/* ---- rows ---- */

struct _MmrStateRow
{
  GObject parent_instance;

  char *name;
  char *register_name;
  guint n_replicas;
  MmrStateCell cells[MMR_MAX_REPLICAS];
  gboolean differs;
  guint revision;
  guint32 seen_mask;      /* replicas whose view had this row, this pass */
  gboolean is_touched;    /* changed during this pass */
  gboolean is_new;        /* created during this pass */
  gboolean is_removed;    /* emptied during this pass */
};

G_DEFINE_FINAL_TYPE (MmrStateRow, mmr_state_row, G_TYPE_OBJECT)

enum { ROW_PROP_0, ROW_PROP_NAME, ROW_PROP_REVISION, ROW_N_PROPS };
static GParamSpec *row_props[ROW_N_PROPS];

static void
mmr_state_row_finalize (GObject *object)
{
  MmrStateRow *row = MMR_STATE_ROW (object);

  for (guint r = 0; r < MMR_MAX_REPLICAS; r++)
    g_free (row->cells[r].text);
  g_free (row->name);
  g_free (row->register_name);
  G_OBJECT_CLASS (mmr_state_row_parent_class)->finalize (object);
}

static void
mmr_state_row_get_property (GObject *object, guint id, GValue *value,
                            GParamSpec *pspec)
{
  MmrStateRow *row = MMR_STATE_ROW (object);

  switch (id)
    {
    case ROW_PROP_NAME:
      g_value_set_string (value, row->name);
      break;
    case ROW_PROP_REVISION:
      g_value_set_uint (value, row->revision);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
mmr_state_row_class_init (MmrStateRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mmr_state_row_finalize;
  object_class->get_property = mmr_state_row_get_property;
  row_props[ROW_PROP_NAME] = g_param_spec_string (
      "name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  row_props[ROW_PROP_REVISION] = g_param_spec_uint (
      "revision", NULL, NULL, 0, G_MAXUINT, 0,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, ROW_N_PROPS, row_props);
}

static void
mmr_state_row_init (MmrStateRow *row)
{
  (void) row;
}

static MmrStateRow *
row_new (const MmrViewEntry *e, guint n_replicas)
{
  MmrStateRow *row = g_object_new (MMR_TYPE_STATE_ROW, NULL);

  row->name = g_strdup (e->name);
  row->register_name = g_strdup (e->register_name);
  row->n_replicas = n_replicas;
  return row;
}

const char *
mmr_state_row_get_name (MmrStateRow *row)
{
  g_return_val_if_fail (MMR_IS_STATE_ROW (row), NULL);
  return row->name;
}

const char *
mmr_state_row_get_register (MmrStateRow *row)
{
  g_return_val_if_fail (MMR_IS_STATE_ROW (row), NULL);
  return row->register_name;
}

const MmrStateCell *
mmr_state_row_get_cell (MmrStateRow *row, guint replica)
{
  g_return_val_if_fail (MMR_IS_STATE_ROW (row), NULL);
  g_return_val_if_fail (replica < MMR_MAX_REPLICAS, NULL);
  return &row->cells[replica];
}

gboolean
mmr_state_row_get_differs (MmrStateRow *row)
{
  g_return_val_if_fail (MMR_IS_STATE_ROW (row), FALSE);
  return row->differs;
}

/* Siblings are written "{eggs | milk}": a bar, not a comma, because values
 * such as "milk,flour" contain commas themselves. */
static char *
format_values (const MmrViewEntry *e)
{
  GString *s;

  if (e->is_absent || e->values->len == 0)
    return NULL;
  if (e->values->len == 1)
    return g_strdup (e->values->pdata[0]);
  s = g_string_new ("{");
  for (guint i = 0; i < e->values->len; i++)
    g_string_append_printf (s, "%s%s", i > 0 ? " | " : "",
                            (const char *) e->values->pdata[i]);
  g_string_append_c (s, '}');
  return g_string_free (s, FALSE);
}

/* Returns TRUE when the cell changed. @e NULL clears it. */
static gboolean
cell_set (MmrStateCell *cell, const MmrViewEntry *e)
{
  MmrStateCell next = { 0 };
  gboolean changed;

  if (e != NULL)
    {
      next.is_present = TRUE;
      next.is_absent = e->is_absent;
      next.has_tombstone = e->has_tombstone;
      next.n_values = e->is_absent ? 0 : e->values->len;
      next.n_live = e->n_live;
      next.crdt_type = e->crdt_type;
      next.text = format_values (e);
      next.vv = e->vv;
    }
  changed = next.is_present != cell->is_present
            || next.is_absent != cell->is_absent
            || next.has_tombstone != cell->has_tombstone
            || next.n_values != cell->n_values
            || next.n_live != cell->n_live
            || g_strcmp0 (next.crdt_type, cell->crdt_type) != 0
            || g_strcmp0 (next.text, cell->text) != 0
            || memcmp (&next.vv, &cell->vv, sizeof next.vv) != 0;
  if (changed)
    {
      g_free (cell->text);
      *cell = next;
    }
  else
    g_free (next.text);
  return changed;
}

/* Same rule as mmr_check_convergence: compare what a reader sees, with a
 * missing entry and a tombstone both reading as absent. */
static gboolean
row_compute_differs (const MmrStateRow *row)
{
  for (guint r = 1; r < row->n_replicas; r++)
    if (g_strcmp0 (row->cells[r].text, row->cells[0].text) != 0)
      return TRUE;
  return FALSE;
}

static gboolean
row_is_empty (const MmrStateRow *row)
{
  for (guint r = 0; r < row->n_replicas; r++)
    if (row->cells[r].is_present)
      return FALSE;
  return TRUE;
}

/* ---- the model ---- */

struct _MmrStateModel
{
  GObject parent_instance;

  GPtrArray *rows;          /* MmrStateRow*, owned, sorted by name */
  GHashTable *by_name;      /* name (borrowed from the row) -> row */
  MmrWorld *world;          /* borrowed; the session owns it */
  guint change_id;
  gboolean with_absent;
  guint n_differing;
  GHashTable *dirty;        /* register name (owned) -> replica bit mask */
  guint32 dirty_replicas;
  MmrStrategy read_strategy;  /* the settings the rows were read with */
  char *read_merge;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MmrStateModel, mmr_state_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      list_model_iface_init))

static GType
model_get_item_type (GListModel *model)
{
  (void) model;
  return MMR_TYPE_STATE_ROW;
}

static guint
model_get_n_items (GListModel *model)
{
  return MMR_STATE_MODEL (model)->rows->len;
}

static gpointer
model_get_item (GListModel *model, guint position)
{
  MmrStateModel *self = MMR_STATE_MODEL (model);

  if (position >= self->rows->len)
    return NULL;
  return g_object_ref (self->rows->pdata[position]);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = model_get_item_type;
  iface->get_n_items = model_get_n_items;
  iface->get_item = model_get_item;
}

static void
mmr_state_model_finalize (GObject *object)
{
  MmrStateModel *self = MMR_STATE_MODEL (object);

  g_hash_table_unref (self->by_name);
  g_ptr_array_unref (self->rows);
  g_hash_table_unref (self->dirty);
  g_free (self->read_merge);
  G_OBJECT_CLASS (mmr_state_model_parent_class)->finalize (object);
}

static void
mmr_state_model_class_init (MmrStateModelClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mmr_state_model_finalize;
}

static void
mmr_state_model_init (MmrStateModel *self)
{
  self->rows = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_name = g_hash_table_new (g_str_hash, g_str_equal);
  self->dirty = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

MmrStateModel *
mmr_state_model_new (void)
{
  return g_object_new (MMR_TYPE_STATE_MODEL, NULL);
}

/* First position whose name is >= @name. */
static guint
lower_bound (GPtrArray *rows, const char *name)
{
  guint lo = 0, hi = rows->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (strcmp (((MmrStateRow *) rows->pdata[mid])->name, name) < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

int
mmr_state_model_find (MmrStateModel *self, const char *name)
{
  guint pos;

  g_return_val_if_fail (MMR_IS_STATE_MODEL (self), -1);
  pos = lower_bound (self->rows, name);
  if (pos < self->rows->len
      && strcmp (((MmrStateRow *) self->rows->pdata[pos])->name, name) == 0)
    return (int) pos;
  return -1;
}

guint
mmr_state_model_get_n_differing (MmrStateModel *self)
{
  g_return_val_if_fail (MMR_IS_STATE_MODEL (self), 0);
  return self->n_differing;
}

MmrWorld *
mmr_state_model_get_world (MmrStateModel *self)
{
  g_return_val_if_fail (MMR_IS_STATE_MODEL (self), NULL);
  return self->world;
}

guint
mmr_state_model_get_n_replicas (MmrStateModel *self)
{
  g_return_val_if_fail (MMR_IS_STATE_MODEL (self), 0);
  return self->world != NULL ? mmr_world_n_replicas (self->world) : 0;
}

static void
change_cb (MmrWorld *world, guint replica, const char *register_name,
           gpointer user_data)
{
  MmrStateModel *self = user_data;
  gpointer mask = NULL;

  (void) world;
  if (g_hash_table_lookup_extended (self->dirty, register_name, NULL, &mask))
    g_hash_table_insert (self->dirty, g_strdup (register_name),
                         GUINT_TO_POINTER (GPOINTER_TO_UINT (mask)
                                           | (1u << replica)));
  else
    g_hash_table_insert (self->dirty, g_strdup (register_name),
                         GUINT_TO_POINTER (1u << replica));
  self->dirty_replicas |= 1u << replica;
}

void
mmr_state_model_detach (MmrStateModel *self)
{
  g_return_if_fail (MMR_IS_STATE_MODEL (self));
  if (self->world != NULL && self->change_id != 0)
    mmr_world_remove_change_observer (self->world, self->change_id);
  self->change_id = 0;
  self->world = NULL;
}

static void
clear_rows (MmrStateModel *self)
{
  guint n = self->rows->len;

  g_hash_table_remove_all (self->by_name);
  g_ptr_array_set_size (self->rows, 0);
  self->n_differing = 0;
  if (n > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, n, 0);
}

void
mmr_state_model_attach (MmrStateModel *self, MmrWorld *world)
{
  g_return_if_fail (MMR_IS_STATE_MODEL (self));
  /* The old world is not touched: the session frees it before "reset". */
  self->world = world;
  self->change_id = world != NULL
                    ? mmr_world_add_change_observer (world, change_cb, self)
                    : 0;
  g_hash_table_remove_all (self->dirty);
  self->dirty_replicas = 0;
  /* Replica columns may differ in the new world: start from no rows. */
  clear_rows (self);
  mmr_state_model_rebuild (self);
}

void
mmr_state_model_set_with_absent (MmrStateModel *self, gboolean with_absent)
{
  g_return_if_fail (MMR_IS_STATE_MODEL (self));
  if (self->with_absent == !!with_absent)
    return;
  self->with_absent = !!with_absent;
  mmr_state_model_rebuild (self);
}

/* ---- one pass: read views, touch rows, then apply structure ---- */

typedef struct {
  MmrStateModel *self;
  gboolean is_full;          /* every register of every replica */
  guint32 replicas;          /* replicas whose view is read */
  GPtrArray *new_rows;       /* owned refs */
  GPtrArray *touched;        /* borrowed; rows whose cells changed */
  GPtrArray *candidates;     /* borrowed; rows of dirty registers */
} Pass;

static void
touch (Pass *p, MmrStateRow *row)
{
  if (!row->is_touched)
    {
      row->is_touched = TRUE;
      g_ptr_array_add (p->touched, row);
    }
}

static void
read_entry (Pass *p, guint replica, const MmrViewEntry *e)
{
  MmrStateModel *self = p->self;
  MmrStateRow *row = g_hash_table_lookup (self->by_name, e->name);

  if (row == NULL)
    {
      row = row_new (e, mmr_world_n_replicas (self->world));
      row->is_new = TRUE;
      g_hash_table_insert (self->by_name, row->name, row);
      g_ptr_array_add (p->new_rows, row);
    }
  row->seen_mask |= 1u << replica;
  if (cell_set (&row->cells[replica], e))
    touch (p, row);
}

/* A full pass reads the replica's whole view; an incremental one reads
 * only the registers the world reported changed at that replica. */
static void
read_replica (Pass *p, guint replica)
{
  MmrStateModel *self = p->self;
  GHashTableIter it;
  gpointer name, mask;

  if (p->is_full)
    {
      g_autoptr (GPtrArray) view = mmr_view_dup (self->world, replica,
                                                 self->with_absent);

      for (guint i = 0; i < view->len; i++)
        read_entry (p, replica, view->pdata[i]);
      return;
    }
  g_hash_table_iter_init (&it, self->dirty);
  while (g_hash_table_iter_next (&it, &name, &mask))
    {
      g_autoptr (GPtrArray) entries = NULL;

      if ((GPOINTER_TO_UINT (mask) & (1u << replica)) == 0)
        continue;
      entries = mmr_view_dup_register (self->world, replica, name,
                                       self->with_absent);
      for (guint i = 0; i < entries->len; i++)
        read_entry (p, replica, entries->pdata[i]);
    }
}

/* Rows of register @reg: "reg" itself and, with granularity record, its
 * fields "reg.x", which sort together right after "reg.". */
static void
collect_register_rows (MmrStateModel *self, const char *reg, GPtrArray *out)
{
  g_autofree char *prefix = g_strconcat (reg, ".", NULL);
  size_t len = strlen (prefix);
  int exact = mmr_state_model_find (self, reg);

  if (exact >= 0)
    g_ptr_array_add (out, self->rows->pdata[exact]);
  for (guint i = lower_bound (self->rows, prefix); i < self->rows->len; i++)
    {
      MmrStateRow *row = self->rows->pdata[i];

      if (strncmp (row->name, prefix, len) != 0)
        break;
      if (strcmp (row->register_name, reg) == 0)
        g_ptr_array_add (out, row);
    }
}

/* A row the pass expected at a replica but that replica's view lacked:
 * the entry disappeared there (deleted, or a field left the record). */
static void
clear_unseen (Pass *p, MmrStateRow *row, guint32 replicas)
{
  for (guint r = 0; r < row->n_replicas; r++)
    if ((replicas & (1u << r)) != 0 && (row->seen_mask & (1u << r)) == 0
        && cell_set (&row->cells[r], NULL))
      touch (p, row);
}

static int
row_ptr_cmp (gconstpointer a, gconstpointer b)
{
  return strcmp ((*(MmrStateRow *const *) a)->name,
                 (*(MmrStateRow *const *) b)->name);
}

/* Inserts the new rows and drops the empty ones, then tells the views. */
static void
apply_structure (Pass *p, GPtrArray *removed)
{
  MmrStateModel *self = p->self;
  guint old_len = self->rows->len;

  for (guint i = 0; i < p->new_rows->len; i++)
    ((MmrStateRow *) p->new_rows->pdata[i])->is_new = FALSE;
  if (removed->len + p->new_rows->len > BULK_THRESHOLD)
    {
      guint kept = 0;

      /* Steal the survivors to the front, then drop the removed tail. */
      for (guint i = 0; i < old_len; i++)
        {
          MmrStateRow *row = self->rows->pdata[i];

          if (row->is_removed)
            continue;
          self->rows->pdata[i] = self->rows->pdata[kept];
          self->rows->pdata[kept++] = row;
        }
      g_ptr_array_set_size (self->rows, kept);
      for (guint i = 0; i < p->new_rows->len; i++)
        g_ptr_array_add (self->rows, g_object_ref (p->new_rows->pdata[i]));
      g_ptr_array_sort (self->rows, row_ptr_cmp);
      g_list_model_items_changed (G_LIST_MODEL (self), 0, old_len,
                                  self->rows->len);
      return;
    }
  for (guint i = 0; i < removed->len; i++)
    {
      guint pos = lower_bound (self->rows,
                               ((MmrStateRow *) removed->pdata[i])->name);

      g_ptr_array_remove_index (self->rows, pos);
      g_list_model_items_changed (G_LIST_MODEL (self), pos, 1, 0);
    }
  for (guint i = 0; i < p->new_rows->len; i++)
    {
      MmrStateRow *row = p->new_rows->pdata[i];
      guint pos = lower_bound (self->rows, row->name);

      g_ptr_array_insert (self->rows, (int) pos, g_object_ref (row));
      g_list_model_items_changed (G_LIST_MODEL (self), pos, 0, 1);
    }
}

/* Recomputes the touched rows' flags; empty rows go to @removed. Removed
 * rows stay alive in @removed until the structure is applied. */
static void
settle_touched (Pass *p, GPtrArray *removed)
{
  MmrStateModel *self = p->self;

  for (guint i = 0; i < p->touched->len; i++)
    {
      MmrStateRow *row = p->touched->pdata[i];
      gboolean differs = row_compute_differs (row);
      gboolean is_new = row->is_new;

      row->is_touched = FALSE;
      if (!is_new && row->differs)
        self->n_differing--;
      row->differs = differs;
      if (row_is_empty (row))
        {
          g_hash_table_remove (self->by_name, row->name);
          if (is_new)
            g_ptr_array_remove (p->new_rows, row);
          else
            {
              row->is_removed = TRUE;
              g_ptr_array_add (removed, g_object_ref (row));
            }
          continue;
        }
      if (differs)
        self->n_differing++;
      row->revision++;
      if (!is_new)
        g_object_notify_by_pspec (G_OBJECT (row), row_props[ROW_PROP_REVISION]);
    }
}

/* Settings that change how every register reads (strategy merge reads
 * siblings through a function): a change means a full pass. */
static gboolean
read_settings_changed (MmrStateModel *self)
{
  const MmrWorldConfig *cfg = mmr_world_get_config (self->world);

  return cfg->strategy != self->read_strategy
         || g_strcmp0 (cfg->merge, self->read_merge) != 0;
}

static void
remember_read_settings (MmrStateModel *self)
{
  const MmrWorldConfig *cfg = mmr_world_get_config (self->world);

  self->read_strategy = cfg->strategy;
  g_free (self->read_merge);
  self->read_merge = g_strdup (cfg->merge);
}

static void
run_pass (MmrStateModel *self, gboolean is_full)
{
  Pass p = { self, is_full, 0, NULL, NULL, NULL };
  g_autoptr (GPtrArray) new_rows = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) touched = g_ptr_array_new ();
  g_autoptr (GPtrArray) candidates = g_ptr_array_new ();
  g_autoptr (GPtrArray) removed = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = mmr_world_n_replicas (self->world);
  GHashTableIter it;
  gpointer key, mask;

  if (is_full)
    remember_read_settings (self);
  p.new_rows = new_rows;
  p.touched = touched;
  p.candidates = is_full ? self->rows : candidates;
  p.replicas = is_full ? (guint32) ((1ull << n) - 1) : self->dirty_replicas;
  if (!is_full)
    {
      g_hash_table_iter_init (&it, self->dirty);
      while (g_hash_table_iter_next (&it, &key, &mask))
        collect_register_rows (self, key, candidates);
    }
  for (guint i = 0; i < p.candidates->len; i++)
    ((MmrStateRow *) p.candidates->pdata[i])->seen_mask = 0;
  for (guint r = 0; r < n; r++)
    if ((p.replicas & (1u << r)) != 0)
      read_replica (&p, r);
  for (guint i = 0; i < p.candidates->len; i++)
    {
      MmrStateRow *row = p.candidates->pdata[i];

      clear_unseen (&p, row, is_full ? p.replicas
                    : GPOINTER_TO_UINT (g_hash_table_lookup (
                        self->dirty, row->register_name)));
    }
  settle_touched (&p, removed);
  g_hash_table_remove_all (self->dirty);
  self->dirty_replicas = 0;
  apply_structure (&p, removed);
}

void
mmr_state_model_rebuild (MmrStateModel *self)
{
  g_return_if_fail (MMR_IS_STATE_MODEL (self));
  if (self->world == NULL)
    {
      clear_rows (self);
      return;
    }
  run_pass (self, TRUE);
}

void
mmr_state_model_update (MmrStateModel *self)
{
  g_return_if_fail (MMR_IS_STATE_MODEL (self));
  if (self->world == NULL)
    return;
  if (read_settings_changed (self))
    {
      run_pass (self, TRUE);
      return;
    }
  if (self->dirty_replicas == 0)
    return;
  /* Most registers changed (a heal, a big batch): one full pass is
   * cheaper than reading them one by one. */
  if (g_hash_table_size (self->dirty) > self->rows->len / 2 + 16)
    {
      run_pass (self, TRUE);
      return;
    }
  run_pass (self, FALSE);
}

gboolean
mmr_state_model_is_dirty (MmrStateModel *self)
{
  g_return_val_if_fail (MMR_IS_STATE_MODEL (self), FALSE);
  return self->world != NULL
         && (self->dirty_replicas != 0 || read_settings_changed (self));
}
