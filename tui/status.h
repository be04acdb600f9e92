/* status.h — the header line (which answer, model, the verdict when the
 * panel is hidden), the demo hint line, and the status bar (state with a
 * spinner while streaming, the last message, key hints generated from the
 * key table). */
#ifndef TOKSCOPE_TUI_STATUS_H
#define TOKSCOPE_TUI_STATUS_H

#include "tui/app.h"

void status_draw_header(const struct app *a, struct rect r);
void status_draw_hint(const struct app *a, struct rect r);
void status_draw_bar(const struct app *a, struct rect r);

#endif
