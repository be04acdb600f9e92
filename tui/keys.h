/* keys.h — the key table and the key-script notation.
 *
 * Every action the explorer's main screen knows is one line of ACTIONS;
 * the key table binds keys to actions, and the `?` overlay and the status
 * bar hints are generated from both, so the help cannot lie.
 *
 * Keys are ints: a character is its code point, a curses function key is
 * KEYS_FN(KEY_...), so the two never collide.
 *
 * Key scripts (TOKSCOPE_KEYS, for tests and demos) replace the keyboard:
 *   l l ]           characters are keys; whitespace between them is ignored
 *   "two words"     a quoted string types every character, spaces included
 *                   (\" and \\ inside quotes)
 *   <Left> <Right> <Up> <Down> <PgUp> <PgDn> <Home> <End>
 *   <Enter> <Esc> <Tab> <S-Tab> <BS> <Del> <Space> <Lt> (a literal '<')
 *   <F1> … <F12>    function keys
 *   <C-x>           Ctrl and a letter (<C-c> is Ctrl-C, <C-s> Ctrl-S)
 *   <Sleep:MS>      let the event loop run for MS milliseconds
 *   <Wait>          run the event loop until no request (an answer, the model
 *                   list) is running (≤ 30 s)
 *   <Resize:COLSxROWS>  resize the screen as a terminal resize would
 *   <Click:COL,ROW> a mouse click at a 0-based screen cell
 *   <WheelUp:COL,ROW> <WheelDown:COL,ROW>  the mouse wheel
 * Example: TOKSCOPE_KEYS='l l l ] ? <Esc> t' */
#ifndef TOKSCOPE_TUI_KEYS_H
#define TOKSCOPE_TUI_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#define KEYS_FN(k) ((k) | 0x1000000)
#define KEYS_IS_FN(k) (((k) & 0x1000000) != 0)
#define KEYS_CTRL(c) ((c) & 0x1f)

/* X(enum, group, help) */
#define ACTIONS(X) \
	X(ACT_NEXT,        "move",       "next token") \
	X(ACT_PREV,        "move",       "previous token") \
	X(ACT_DOWN,        "move",       "token on the next line") \
	X(ACT_UP,          "move",       "token on the previous line") \
	X(ACT_PAGE_DOWN,   "move",       "next page") \
	X(ACT_PAGE_UP,     "move",       "previous page") \
	X(ACT_FIRST,       "move",       "first token") \
	X(ACT_LAST,        "move",       "last token (and follow a stream)") \
	X(ACT_NEXT_LOW,    "move",       "next token below the per-token threshold") \
	X(ACT_PREV_LOW,    "move",       "previous token below the per-token threshold") \
	X(ACT_THRESH_DOWN, "confidence", "lower the routing threshold τ by 0.05") \
	X(ACT_THRESH_UP,   "confidence", "raise the routing threshold τ by 0.05") \
	X(ACT_TOKTH_DOWN,  "confidence", "lower the per-token threshold (underlines) by 0.05") \
	X(ACT_TOKTH_UP,    "confidence", "raise the per-token threshold (underlines) by 0.05") \
	X(ACT_STAT,        "confidence", "next routing statistic") \
	X(ACT_MARGIN_DOWN, "confidence", "lower the label margin μ by 0.05") \
	X(ACT_MARGIN_UP,   "confidence", "raise the label margin μ by 0.05") \
	X(ACT_LABELS,      "confidence", "edit the label set (empty: none)") \
	X(ACT_COLOR_MODE,  "confidence", "colour by: probability, relative, rank, entropy") \
	X(ACT_NEXT_ANSWER, "answers",    "next answer") \
	X(ACT_PREV_ANSWER, "answers",    "previous answer") \
	X(ACT_EDITOR,      "answers",    "write a prompt and send it") \
	X(ACT_CANCEL,      "answers",    "cancel a request (its tokens stay); else leave two panes") \
	X(ACT_SAVE,        "answers",    "save all answers as a session file") \
	X(ACT_OPEN,        "answers",    "open a session file") \
	X(ACT_ERROR,       "answers",    "show the last error again") \
	X(ACT_ESCALATE,    "answers",    "escalate: the strong model's answer, side by side") \
	X(ACT_AUTO_ESCALATE, "answers",  "auto-escalation: ESCALATE answers go by themselves") \
	X(ACT_COMPARE,     "answers",    "compare with the previous answer (again: one before)") \
	X(ACT_ALTS,        "branches",   "alternatives: ↑/↓ choose, Enter branches from one") \
	X(ACT_TREE,        "branches",   "the answers as a tree of branches") \
	X(ACT_PREV_BRANCH, "branches",   "previous branch of the same answer") \
	X(ACT_NEXT_BRANCH, "branches",   "next branch of the same answer") \
	X(ACT_BOUNDARIES,  "view",       "show token boundaries (alternating tint)") \
	X(ACT_THEME,       "view",       "next colour theme") \
	X(ACT_PANE,        "view",       "lower pane: inspector ⇄ panel (narrow screens)") \
	X(ACT_PANEL_NEXT,  "view",       "confidence panel: next page (when it needs several)") \
	X(ACT_PANEL_PREV,  "view",       "confidence panel: previous page") \
	X(ACT_ZOOM,        "view",       "zoom: the text only") \
	X(ACT_PAIR_SWITCH, "view",       "two panes: focus the other one (narrow: show it)") \
	X(ACT_REDRAW,      "view",       "redraw the screen") \
	X(ACT_HELP,        "other",      "this help") \
	X(ACT_QUIT,        "other",      "quit (asks while a request runs)") \
	X(ACT_SUSPEND,     "other",      "suspend to the shell") \
	X(ACT_INTERRUPT,   "other",      "cancel a request; else close a box or panes; else quit")

enum action {
	ACT_NONE,
#define ACT_ENUM(e, g, h) e,
	ACTIONS(ACT_ENUM)
#undef ACT_ENUM
	ACT_COUNT
};

/* The action bound to key on the main screen, or ACT_NONE. */
enum action keys_action(int key);
const char *keys_action_help(enum action a);
const char *keys_action_group(enum action a);
/* The keys bound to a, joined with spaces ("← h"), into out. */
void keys_names(enum action a, char *out, size_t outsz);
/* The first key bound to a (for hints), or -1. */
int keys_first(enum action a);
/* The name of one key ("←", "PgDn", "Ctrl-S", "q"). */
void keys_name(int key, char *out, size_t outsz);

/* One step of a key script. */
enum script_kind { SCRIPT_KEY, SCRIPT_SLEEP, SCRIPT_WAIT, SCRIPT_RESIZE, SCRIPT_CLICK,
		   SCRIPT_WHEEL_UP, SCRIPT_WHEEL_DOWN };

struct script_step {
	enum script_kind kind;
	int key;       /* SCRIPT_KEY */
	int a, b;      /* ms; cols × rows; col, row */
};

struct script {
	struct script_step *steps;
	size_t n, cap, next;
};

/* Parses a key script. Returns 0, or -1 with a message in err. */
int keys_script_parse(struct script *s, const char *text, char *err, size_t errsz);
void keys_script_free(struct script *s);

#endif
