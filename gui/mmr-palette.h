/* mmr-palette.h - one colour per replica, the same in every view
 *
 * Replica i is drawn in mmr_palette_replica (i) in the topology view, the
 * space-time diagram, the state table, the version-vector view and the
 * clocks panel, so a student can follow "blue" from one view to another.
 * Colour is never the only signal: every view also writes the name.
 *
 * Red and amber are kept out of the replica palette: they mean "cut",
 * "lost" and "conflict" everywhere (mmr_palette_role).
 */
#pragma once

#include <gdk/gdk.h>

G_BEGIN_DECLS

typedef enum {
  MMR_PALETTE_CUT,        /* a cut link, a lost message */
  MMR_PALETTE_CONFLICT,   /* a conflict, concurrent versions */
  MMR_PALETTE_OK,         /* converged, equal */
  MMR_PALETTE_PARTITION,  /* shading of a partitioned lane */
} MmrPaletteRole;

/* Replica @index's colour; indices past the palette wrap around. */
void mmr_palette_replica (guint index, GdkRGBA *out);
/* The colour of a role, tuned for a light (@is_dark FALSE) or dark
 * background. */
void mmr_palette_role    (MmrPaletteRole role, gboolean is_dark,
                          GdkRGBA *out);
guint mmr_palette_n_replica_colours (void);

G_END_DECLS
