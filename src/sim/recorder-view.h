/* recorder-view.h - one register's view entries, in O(1) (private to the
 * recorder; see recorder-view.c) */
#pragma once

#include "sim/view.h"

G_BEGIN_DECLS

/* The entries mmr_view_dup (@world, @replica, TRUE) has for register (or
 * CRDT key) @register_name, sorted by name; an empty array when the
 * replica has neither. */
GPtrArray *mmr_recorder_dup_register_view (const MmrWorld *world,
                                           guint replica,
                                           const char *register_name);

G_END_DECLS
