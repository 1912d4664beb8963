/* mmr-application.h - the GtkApplication of the inspector
 *
 * Application id org.mmrlab.Inspector. Opening files (`mmr-inspector
 * FILE`) opens one window per file; with no file, one empty window.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define MMR_APPLICATION_ID "org.mmrlab.Inspector"

#define MMR_TYPE_APPLICATION (mmr_application_get_type ())
G_DECLARE_FINAL_TYPE (MmrApplication, mmr_application, MMR, APPLICATION,
                      GtkApplication)

MmrApplication *mmr_application_new (void);

G_END_DECLS
