/* mmr-diagram-view.c - the space-time diagram widget
 *
 * Concept: a window onto mmr-diagram-render.c's drawing, with the
 * interactions a student needs to read a run: scroll (or drag) along
 * time, zoom with Ctrl+scroll around the pointer, follow the present while
 * playing, click an event to read its details and the state of every
 * replica at that instant (time travel through the session).
 *
 * Interface: mmr_diagram_view_new, _set_session, _highlight_event (the
 * conflicts panel's selection), _select_event, _set_follow,
 * _zoom_to_fit, _get_frame.
 *
 * Invariants: the widget keeps only a frame (t0, zoom, selection); it
 * never caches drawing, so what it shows is always the session's state.
 * Following the present stops as soon as the user moves the view, and
 * comes back with the "Follow" button or when playing starts.
 *
 * Taught in docs/inspector.md.
 */
#include "mmr-diagram-view.h"

#include <math.h>

#define MIN_US_PER_PX 0.5
#define MAX_US_PER_PX 5e7
#define FOLLOW_AT 0.85          /* the present sits at 85% of the width */

struct _MmrDiagramView {
  GtkWidget parent_instance;

  /* template widgets */
  GtkWidget *controls;
  GtkToggleButton *follow_button;
  GtkWidget *popover;
  GtkLabel *details;

  /* owned */
  MmrSession *session;
  gulong state_handler;
  gulong reset_handler;
  MmrDiagramFrame frame;
  gboolean follow;
  double pointer_x;
  gint64 drag_t0;
  gboolean dragged;
};

G_DEFINE_FINAL_TYPE (MmrDiagramView, mmr_diagram_view, GTK_TYPE_WIDGET)

static double
plot_width (MmrDiagramView *self)
{
  return mmr_diagram_plot_right (gtk_widget_get_width (GTK_WIDGET (self)))
         - mmr_diagram_plot_left ();
}

/* Brings the frame up to date with the session before drawing or
 * hit-testing. */
static void
update_frame (MmrDiagramView *self)
{
  MmrDiagramFrame *f = &self->frame;

  f->now_us = mmr_session_get_display_time (self->session);
  if (self->follow)
    f->t0_us = MAX (0, f->now_us - (gint64) (FOLLOW_AT * plot_width (self)
                                             * f->us_per_px));
}

static void
mmr_diagram_view_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  MmrDiagramView *self = MMR_DIAGRAM_VIEW (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  if (self->session != NULL && width > 0 && height > 0)
    {
      GdkRGBA fg;
      cairo_t *cr;

      gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
      mmr_draw_style_from_fg (&self->frame.style, &fg);
      self->frame.paint_background = FALSE;
      update_frame (self);
      cr = gtk_snapshot_append_cairo (snapshot,
                                      &GRAPHENE_RECT_INIT (0, 0, width, height));
      mmr_diagram_render (self->session, &self->frame, cr, width, height);
      cairo_destroy (cr);
    }
  gtk_widget_snapshot_child (widget, self->controls, snapshot);
}

static void
mmr_diagram_view_measure (GtkWidget *widget, GtkOrientation orientation,
                          int for_size, int *minimum, int *natural,
                          int *minimum_baseline, int *natural_baseline)
{
  MmrDiagramView *self = MMR_DIAGRAM_VIEW (widget);
  int child_min, child_nat;

  (void) for_size;
  gtk_widget_measure (self->controls, orientation, -1, &child_min, &child_nat,
                      NULL, NULL);
  *minimum = MAX (child_min, orientation == GTK_ORIENTATION_HORIZONTAL ? 320 : 160);
  *natural = MAX (*minimum, orientation == GTK_ORIENTATION_HORIZONTAL ? 800 : 320);
  *minimum_baseline = *natural_baseline = -1;
}

static void
mmr_diagram_view_size_allocate (GtkWidget *widget, int width, int height,
                                int baseline)
{
  MmrDiagramView *self = MMR_DIAGRAM_VIEW (widget);
  GtkRequisition nat;

  (void) baseline;
  gtk_widget_get_preferred_size (self->controls, NULL, &nat);
  gtk_widget_size_allocate (self->controls,
                            &(GtkAllocation) { MAX (width - nat.width - 8, 0),
                                               MAX (height - nat.height - 8, 0),
                                               MIN (nat.width, width),
                                               MIN (nat.height, height) },
                            -1);
  gtk_popover_present (GTK_POPOVER (self->popover));
}

/* ---- the view's motion along time ---- */

void
mmr_diagram_view_set_follow (MmrDiagramView *self, gboolean follow)
{
  g_return_if_fail (MMR_IS_DIAGRAM_VIEW (self));
  if (self->follow == follow)
    return;
  self->follow = follow;
  gtk_toggle_button_set_active (self->follow_button, follow);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
pan_to (MmrDiagramView *self, gint64 t0_us)
{
  MmrDiagramFrame *f = &self->frame;
  gint64 lo = -(gint64) (20 * f->us_per_px);
  gint64 hi = MAX (f->now_us, 0);

  mmr_diagram_view_set_follow (self, FALSE);
  f->t0_us = CLAMP (t0_us, lo, hi);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
zoom_around (MmrDiagramView *self, double factor, double x)
{
  MmrDiagramFrame *f = &self->frame;
  double left = mmr_diagram_plot_left ();
  double us = CLAMP (f->us_per_px * factor, MIN_US_PER_PX, MAX_US_PER_PX);
  gint64 anchor = f->t0_us + (gint64) ((x - left) * f->us_per_px);

  f->us_per_px = us;
  if (!self->follow)
    f->t0_us = anchor - (gint64) ((x - left) * us);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
mmr_diagram_view_zoom_to_fit (MmrDiagramView *self)
{
  g_return_if_fail (MMR_IS_DIAGRAM_VIEW (self));
  if (self->session == NULL)
    return;
  mmr_diagram_view_set_follow (self, FALSE);
  mmr_diagram_frame_fit (&self->frame, self->session,
                         gtk_widget_get_width (GTK_WIDGET (self)));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
scroll_cb (GtkEventControllerScroll *scroll, double dx, double dy,
           MmrDiagramView *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (
      GTK_EVENT_CONTROLLER (scroll));
  gboolean wheel = gtk_event_controller_scroll_get_unit (scroll)
                   == GDK_SCROLL_UNIT_WHEEL;

  if (self->session == NULL)
    return FALSE;
  update_frame (self);
  if (state & GDK_CONTROL_MASK)
    zoom_around (self, pow (1.25, wheel ? dy : dy / 20), self->pointer_x);
  else
    pan_to (self, self->frame.t0_us
                      + (gint64) ((dx + dy) * (wheel ? 60 : 1)
                                  * self->frame.us_per_px));
  return TRUE;
}

static void
motion_cb (GtkEventControllerMotion *motion, double x, double y,
           MmrDiagramView *self)
{
  (void) motion;
  (void) y;
  self->pointer_x = x;
}

static void
drag_begin_cb (GtkGestureDrag *drag, double x, double y, MmrDiagramView *self)
{
  (void) drag;
  (void) x;
  (void) y;
  update_frame (self);
  self->drag_t0 = self->frame.t0_us;
  self->dragged = FALSE;
}

static void
drag_update_cb (GtkGestureDrag *drag, double dx, double dy,
                MmrDiagramView *self)
{
  (void) drag;
  (void) dy;
  if (!self->dragged && fabs (dx) < 4)
    return;
  self->dragged = TRUE;
  pan_to (self, self->drag_t0 - (gint64) (dx * self->frame.us_per_px));
}

/* ---- selection and details ---- */

void
mmr_diagram_view_select_event (MmrDiagramView *self, guint index)
{
  GtkWidget *w = GTK_WIDGET (self);
  g_autofree char *text = NULL;
  double x, y;

  g_return_if_fail (MMR_IS_DIAGRAM_VIEW (self));
  if (self->session == NULL || index >= mmr_session_get_n_events (self->session))
    {
      self->frame.selected = MMR_DIAGRAM_NO_EVENT;
      gtk_popover_popdown (GTK_POPOVER (self->popover));
      gtk_widget_queue_draw (w);
      return;
    }
  self->frame.selected = index;
  update_frame (self);
  text = mmr_diagram_describe_event (self->session, index);
  gtk_label_set_text (self->details, text);
  if (mmr_diagram_event_point (self->session, &self->frame,
                               gtk_widget_get_width (w),
                               gtk_widget_get_height (w), index, &x, &y))
    gtk_popover_set_pointing_to (GTK_POPOVER (self->popover),
                                 &(GdkRectangle) { (int) x - 4, (int) y - 4,
                                                   8, 8 });
  if (!gdk_display_is_composited (gtk_widget_get_display (w)))
    {
      gtk_widget_add_css_class (self->popover, "flat");
      gtk_popover_set_has_arrow (GTK_POPOVER (self->popover), FALSE);
    }
  if (gtk_widget_get_mapped (w))
    {
      gtk_popover_popup (GTK_POPOVER (self->popover));
      /* Focusing a selectable label selects all of it: undo that, the
       * text is for reading (and copying a part of it). */
      gtk_label_select_region (self->details, 0, 0);
    }
  gtk_widget_queue_draw (w);
}

guint
mmr_diagram_view_get_selected (MmrDiagramView *self)
{
  g_return_val_if_fail (MMR_IS_DIAGRAM_VIEW (self), MMR_DIAGRAM_NO_EVENT);
  return self->frame.selected;
}

void
mmr_diagram_view_highlight_event (MmrDiagramView *self, guint index)
{
  const MmrEvent *ev;

  g_return_if_fail (MMR_IS_DIAGRAM_VIEW (self));
  if (self->session == NULL || index >= mmr_session_get_n_events (self->session))
    {
      self->frame.highlighted = MMR_DIAGRAM_NO_EVENT;
      gtk_widget_queue_draw (GTK_WIDGET (self));
      return;
    }
  self->frame.highlighted = index;
  ev = &mmr_session_get_event (self->session, index)->ev;
  update_frame (self);
  pan_to (self, ev->time_us - (gint64) (plot_width (self) / 2
                                        * self->frame.us_per_px));
}

static void
click_released_cb (GtkGestureClick *click, int n_press, double x, double y,
                   MmrDiagramView *self)
{
  GtkWidget *w = GTK_WIDGET (self);
  guint hit;

  (void) click;
  if (n_press != 1 || self->dragged || self->session == NULL)
    return;
  update_frame (self);
  hit = mmr_diagram_hit (self->session, &self->frame, gtk_widget_get_width (w),
                         gtk_widget_get_height (w), x, y);
  mmr_diagram_view_select_event (self, hit);
}

const MmrDiagramFrame *
mmr_diagram_view_get_frame (MmrDiagramView *self)
{
  g_return_val_if_fail (MMR_IS_DIAGRAM_VIEW (self), NULL);
  if (self->session != NULL)
    update_frame (self);
  return &self->frame;
}

/* ---- buttons ---- */

static void
follow_toggled_cb (GtkToggleButton *button, MmrDiagramView *self)
{
  mmr_diagram_view_set_follow (self, gtk_toggle_button_get_active (button));
}

static void
zoom_in_cb (GtkButton *button, MmrDiagramView *self)
{
  (void) button;
  zoom_around (self, 1 / 1.5, mmr_diagram_plot_left () + plot_width (self) / 2);
}

static void
zoom_out_cb (GtkButton *button, MmrDiagramView *self)
{
  (void) button;
  zoom_around (self, 1.5, mmr_diagram_plot_left () + plot_width (self) / 2);
}

static void
fit_cb (GtkButton *button, MmrDiagramView *self)
{
  (void) button;
  mmr_diagram_view_zoom_to_fit (self);
}

/* ---- session ---- */

static void
state_changed_cb (MmrSession *session, MmrDiagramView *self)
{
  (void) session;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
reset_cb (MmrSession *session, MmrDiagramView *self)
{
  (void) session;
  self->frame.selected = self->frame.highlighted = MMR_DIAGRAM_NO_EVENT;
  self->frame.t0_us = 0;
  gtk_popover_popdown (GTK_POPOVER (self->popover));
  mmr_diagram_view_set_follow (self, TRUE);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
mmr_diagram_view_set_session (MmrDiagramView *self, MmrSession *session)
{
  g_return_if_fail (MMR_IS_DIAGRAM_VIEW (self));
  if (self->session != NULL)
    {
      g_clear_signal_handler (&self->state_handler, self->session);
      g_clear_signal_handler (&self->reset_handler, self->session);
      g_clear_object (&self->session);
    }
  if (session == NULL)
    return;
  self->session = g_object_ref (session);
  self->state_handler = g_signal_connect (session, "state-changed",
                                          G_CALLBACK (state_changed_cb), self);
  self->reset_handler = g_signal_connect (session, "reset",
                                          G_CALLBACK (reset_cb), self);
  reset_cb (session, self);
}

/* ---- GObject ---- */

static void
mmr_diagram_view_dispose (GObject *object)
{
  MmrDiagramView *self = MMR_DIAGRAM_VIEW (object);

  mmr_diagram_view_set_session (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), MMR_TYPE_DIAGRAM_VIEW);
  G_OBJECT_CLASS (mmr_diagram_view_parent_class)->dispose (object);
}

static void
mmr_diagram_view_class_init (MmrDiagramViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = mmr_diagram_view_dispose;
  widget_class->snapshot = mmr_diagram_view_snapshot;
  widget_class->measure = mmr_diagram_view_measure;
  widget_class->size_allocate = mmr_diagram_view_size_allocate;

  gtk_widget_class_set_template_from_resource (
      widget_class, "/org/mmrlab/Inspector/mmr-diagram-view.ui");
  gtk_widget_class_bind_template_child (widget_class, MmrDiagramView, controls);
  gtk_widget_class_bind_template_child (widget_class, MmrDiagramView,
                                        follow_button);
  gtk_widget_class_bind_template_child (widget_class, MmrDiagramView, popover);
  gtk_widget_class_bind_template_child (widget_class, MmrDiagramView, details);
  gtk_widget_class_bind_template_callback (widget_class, follow_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, zoom_in_cb);
  gtk_widget_class_bind_template_callback (widget_class, zoom_out_cb);
  gtk_widget_class_bind_template_callback (widget_class, fit_cb);
  gtk_widget_class_set_css_name (widget_class, "diagram-view");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
mmr_diagram_view_init (MmrDiagramView *self)
{
  GtkWidget *w = GTK_WIDGET (self);
  GtkEventController *scroll = gtk_event_controller_scroll_new (
      GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkGesture *click = gtk_gesture_click_new ();

  gtk_widget_init_template (w);
  mmr_diagram_frame_init (&self->frame, NULL, FALSE);
  self->follow = TRUE;
  gtk_toggle_button_set_active (self->follow_button, TRUE);

  g_signal_connect (scroll, "scroll", G_CALLBACK (scroll_cb), self);
  gtk_widget_add_controller (w, scroll);
  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  gtk_widget_add_controller (w, motion);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  gtk_widget_add_controller (w, GTK_EVENT_CONTROLLER (drag));
  g_signal_connect (click, "released", G_CALLBACK (click_released_cb), self);
  gtk_widget_add_controller (w, GTK_EVENT_CONTROLLER (click));
  gtk_widget_add_css_class (w, "view");
  gtk_accessible_update_property (
      GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
      "Space-time diagram: one lane per replica, messages as arrows. Click an "
      "event for its details; Ctrl+scroll to zoom.",
      -1);
}

GtkWidget *
mmr_diagram_view_new (void)
{
  return g_object_new (MMR_TYPE_DIAGRAM_VIEW, NULL);
}
