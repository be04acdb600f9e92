#include "tui/color.h"

#include <stdlib.h>
#include <string.h>

enum color_depth color_detect(void)
{
	const char *nc = getenv("NO_COLOR");

	if ((nc && *nc) || !has_colors())
		return DEPTH_NONE;
	start_color();
	return COLORS >= 256 ? DEPTH_256 : DEPTH_8;
}

static attr_t color_attrs(unsigned a)
{
	attr_t out = A_NORMAL;

	if (a & ATTR_BOLD)
		out |= A_BOLD;
	if (a & ATTR_DIM)
		out |= A_DIM;
	if (a & ATTR_UNDERLINE)
		out |= A_UNDERLINE;
	if (a & ATTR_REVERSE)
		out |= A_REVERSE;
	if (a & ATTR_ITALIC)
		out |= A_ITALIC;
	if (a & ATTR_STANDOUT)
		out |= A_STANDOUT;
	return out;
}

static short color_index(const struct theme_color *c, enum color_depth depth)
{
	if (c->is_default)
		return -1;
	return (short)(depth == DEPTH_8 ? c->idx8 : c->idx256);
}

/* Pairs are numbered from 1 in the order they are made. */
static short color_pair(short *next, const struct theme_color *fg, const struct theme_color *bg,
			enum color_depth depth)
{
	short n = (*next)++;

	if (n >= COLOR_PAIRS)
		return 0;
	init_pair(n, color_index(fg, depth), color_index(bg, depth));
	return n;
}

/* Without colour every role takes the mono theme's attributes (it is made
 * for that: bold, dim, underline, reverse); if it cannot be loaded, the
 * uncertain buckets are bold and the selection reversed. */
static void color_mono(struct palette *p)
{
	struct theme mono;
	struct ts_err err;

	if (theme_load(&mono, "mono", &err) == TS_OK) {
		for (int r = 0; r < ROLE_COUNT; r++)
			p->role[r].attr = color_attrs(mono.style[r].attrs);
		return;
	}
	for (int r = ROLE_P0; r <= ROLE_P5; r++)
		p->role[r].attr = r <= ROLE_P1 ? A_BOLD : A_NORMAL;
	p->role[ROLE_SELECTED].attr = A_REVERSE;
	p->role[ROLE_STATUS].attr = A_REVERSE;
	p->role[ROLE_ACCEPT].attr = A_REVERSE;
	p->role[ROLE_ESCALATE].attr = A_REVERSE | A_BOLD;
}

void color_setup(struct palette *p, const struct theme *t, enum color_depth depth)
{
	short next = 1;

	memset(p, 0, sizeof *p);
	p->depth = depth;
	if (depth != DEPTH_NONE)
		use_default_colors();
	for (int r = 0; r < ROLE_COUNT; r++) {
		const struct theme_style *s = &t->style[r];

		p->role[r].attr = color_attrs(s->attrs);
		if (depth != DEPTH_NONE)
			p->role[r].pair = color_pair(&next, &s->fg, &s->bg, depth);
	}
	if (depth == DEPTH_NONE)
		color_mono(p);
	for (int b = 0; b < THEME_NBUCKETS; b++) {
		p->tint[b] = p->role[ROLE_P0 + b];
		if (depth != DEPTH_NONE)
			p->tint[b].pair = color_pair(&next, &t->style[ROLE_P0 + b].fg,
						     &t->style[ROLE_TINT].bg, depth);
		else
			p->tint[b].attr |= p->role[ROLE_TINT].attr;
	}
}

struct style color_role(const struct palette *p, enum theme_role r)
{
	return p->role[r];
}

struct style color_bucket(const struct palette *p, enum theme_role b, int tinted)
{
	int i = (int)b - ROLE_P0;

	if (i < 0 || i >= THEME_NBUCKETS)
		i = 0;
	return tinted ? p->tint[i] : p->role[ROLE_P0 + i];
}
