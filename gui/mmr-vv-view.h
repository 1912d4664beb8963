/* mmr-vv-view.h - one key's version vectors at every replica, compared
 * pairwise (see mmr-vv-view.c) */
#pragma once

#include <gtk/gtk.h>

#include "mmr-session.h"

G_BEGIN_DECLS

#define MMR_TYPE_VV_VIEW (mmr_vv_view_get_type ())
G_DECLARE_FINAL_TYPE (MmrVvView, mmr_vv_view, MMR, VV_VIEW, GtkWidget)

GtkWidget *mmr_vv_view_new         (void);
/* Follows @session ("reset", "state-changed"); NULL detaches. */
void       mmr_vv_view_set_session (MmrVvView *self, MmrSession *session);
/* The entry to show: "cart" or "user.name"; NULL shows a hint. */
void       mmr_vv_view_set_key     (MmrVvView *self, const char *name);

/* What the view states for replicas @a and @b, e.g. "A dominates B" or
 * "A ∥ C concurrent"; NULL when nothing is shown. Owned by the caller. */
char      *mmr_vv_view_dup_relation_text (MmrVvView *self, guint a, guint b);
/* The text the relation @order of @a (named @name_a) and @b gets, the same
 * words everywhere in the inspector. */
char      *mmr_vv_view_describe_relation (MmrVvOrder order,
                                          const char *name_a,
                                          const char *name_b);

G_END_DECLS
