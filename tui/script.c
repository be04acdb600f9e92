/* script.c — the test hook: TOKSCOPE_KEYS replaces the keyboard with a key
 * script (notation in keys.h) and TOKSCOPE_DUMP_SCREEN=FILE writes the
 * screen as plain text once the script is over, then quits. Steps run one
 * per wake-up, with a frame drawn between them as a person would see it,
 * so golden screens do not depend on timing. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "tui/app.h"

#define SCRIPT_WAIT_MAX_MS 30000.0

static void script_run(struct app *a, const struct script_step *st, double now)
{
	switch (st->kind) {
	case SCRIPT_KEY: actions_key(a, st->key); break;
	case SCRIPT_SLEEP: a->script_until_ms = now + st->a; break;
	case SCRIPT_WAIT:
		a->script_waiting = true;
		a->script_until_ms = now + SCRIPT_WAIT_MAX_MS;
		break;
	case SCRIPT_RESIZE: app_resize(a, st->b, st->a); break;
	case SCRIPT_CLICK: actions_click(a, st->b, st->a); break;
	case SCRIPT_WHEEL_UP: actions_wheel(a, -3); break;
	case SCRIPT_WHEEL_DOWN: actions_wheel(a, 3); break;
	}
}

bool script_step(struct app *a)
{
	double now = app_now_ms();

	if (a->script_waiting) {
		if ((app_busy(a) || a->mf) && now < a->script_until_ms)
			return true;
		a->script_waiting = false;
		a->script_until_ms = 0;
	}
	if (now < a->script_until_ms)
		return true;
	if (a->script.next >= a->script.n)
		return false;
	script_run(a, &a->script.steps[a->script.next++], now);
	return true;
}

/* Writes one screen cell's characters; returns its width. */
static int script_cell(FILE *f, int y, int x, int *pending_spaces)
{
	cchar_t c;
	wchar_t wch[CCHARW_MAX + 1];
	attr_t attr;
	short pair;
	char mb[MB_LEN_MAX];
	mbstate_t ms;
	int w;

	if (mvwin_wch(stdscr, y, x, &c) == ERR || getcchar(&c, wch, &attr, &pair, NULL) == ERR)
		return 1;
	if (wch[0] == L' ' && !wch[1]) {
		(*pending_spaces)++;
		return 1;
	}
	for (; *pending_spaces > 0; (*pending_spaces)--)
		fputc(' ', f);
	memset(&ms, 0, sizeof ms);
	for (int i = 0; wch[i]; i++) {
		size_t n = wcrtomb(mb, wch[i], &ms);

		if (n != (size_t)-1)
			fwrite(mb, 1, n, f);
	}
	w = wcwidth(wch[0]);
	return w > 1 ? w : 1;
}

int script_dump(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	for (int y = 0; y < LINES; y++) {
		int spaces = 0;

		for (int x = 0; x < COLS;)
			x += script_cell(f, y, x, &spaces);
		fputc('\n', f);
	}
	return fclose(f) == 0 ? 0 : -1;
}
