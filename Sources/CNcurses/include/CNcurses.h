// A thin shim over ncursesw for Swift: macros and C globals that do not import into
// Swift 6 (COLOR_PAIR, A_*, getmaxyx, stdscr, LINES/COLS) become static inline functions
// here, and the terminal-restore plumbing (signal handlers, atexit, SIGWINCH self-pipe,
// stderr capture, Ctrl-Z, the crash handler) is declared here and defined in shim.c,
// because signal handlers must be plain C functions and their state must exist once per
// process (a `static` in a header would give every object file its own copy).
// This header holds no mutable state. WINDOW* stays opaque.
#ifndef MESHSCOPE_CNCURSES_SHIM_H
#define MESHSCOPE_CNCURSES_SHIM_H

#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <wchar.h>
#include <langinfo.h>
#include <signal.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <errno.h>
#include <sys/ioctl.h>
#include <execinfo.h>
#include <ncursesw/curses.h>

// MARK: globals and macros

static inline WINDOW *ms_stdscr(void) { return stdscr; }
static inline int ms_lines(void) { return LINES; }
static inline int ms_cols(void) { return COLS; }
static inline int ms_colors(void) { return COLORS; }
static inline int ms_color_pairs(void) { return COLOR_PAIRS; }
static inline int ms_color_pair(int n) { return (int)COLOR_PAIR(n); }
static inline void ms_getmaxyx(WINDOW *w, int *y, int *x) { int yy, xx; getmaxyx(w, yy, xx); *y = yy; *x = xx; }

static inline unsigned int ms_a_normal(void) { return (unsigned int)A_NORMAL; }
static inline unsigned int ms_a_bold(void) { return (unsigned int)A_BOLD; }
static inline unsigned int ms_a_dim(void) { return (unsigned int)A_DIM; }
static inline unsigned int ms_a_underline(void) { return (unsigned int)A_UNDERLINE; }
static inline unsigned int ms_a_reverse(void) { return (unsigned int)A_REVERSE; }
static inline unsigned int ms_a_blink(void) { return (unsigned int)A_BLINK; }
static inline unsigned int ms_a_italic(void) {
#ifdef A_ITALIC
    return (unsigned int)A_ITALIC;
#else
    return 0;
#endif
}

// MARK: characters

/// The C library's width of one character (wcwidth; defined in shim.c, where glibc is asked
/// for XSI declarations before its headers).
int ms_wcwidth(unsigned int c);

/// Writes `n` wide characters at (y, x) with the given attributes and colour pair.
/// Pairs above 255 do not fit in the attribute bits, so the pair goes through the
/// `opts` pointer as ncurses' extended-colour API expects.
static inline int ms_put(int y, int x, const unsigned int *chars, int n, unsigned int attrs, int pair) {
    attr_set((attr_t)attrs, (short)(pair < 32767 ? pair : 0), &pair);
    if (sizeof(wchar_t) == sizeof(unsigned int)) {
        return mvaddnwstr(y, x, (const wchar_t *)chars, n);
    }
    int rc = move(y, x);
    for (int i = 0; i < n && rc != ERR; i++) {
        wchar_t wc[2] = {(wchar_t)chars[i], 0};
        rc = addnwstr(wc, 1);
    }
    return rc;
}

/// Writes one grapheme (a base character plus up to 4 combining characters) at (y, x).
static inline int ms_put_cluster(int y, int x, const unsigned int *chars, int n, unsigned int attrs, int pair) {
    wchar_t wc[CCHARW_MAX + 1];
    int k = n < CCHARW_MAX ? n : CCHARW_MAX;
    for (int i = 0; i < k; i++) wc[i] = (wchar_t)chars[i];
    wc[k] = 0;
    cchar_t cc;
    if (setcchar(&cc, wc, (attr_t)attrs, (short)(pair < 32767 ? pair : 0), &pair) == ERR) return ERR;
    return mvadd_wch(y, x, &cc);
}

static inline int ms_init_pair(int pair, int fg, int bg) {
#if NCURSES_EXT_COLORS
    return init_extended_pair(pair, fg, bg);
#else
    return init_pair((short)pair, (short)fg, (short)bg);
#endif
}

/// Reads one key: returns OK (character in *out), KEY_CODE_YES (key code in *out) or ERR.
static inline int ms_get_wch(unsigned int *out) {
    wint_t w = 0;
    int rc = get_wch(&w);
    *out = (unsigned int)w;
    return rc;
}

// MARK: mouse

static inline unsigned long ms_mouse_all(void) { return (unsigned long)(ALL_MOUSE_EVENTS | REPORT_MOUSE_POSITION); }
static inline unsigned long ms_button1_pressed(void) { return (unsigned long)BUTTON1_PRESSED; }
static inline unsigned long ms_button1_clicked(void) { return (unsigned long)(BUTTON1_CLICKED | BUTTON1_RELEASED); }
static inline unsigned long ms_button1_double(void) { return (unsigned long)BUTTON1_DOUBLE_CLICKED; }
static inline unsigned long ms_button4_pressed(void) { return (unsigned long)BUTTON4_PRESSED; }
static inline unsigned long ms_button5_pressed(void) {
#ifdef BUTTON5_PRESSED
    return (unsigned long)BUTTON5_PRESSED;
#else
    return 0;
#endif
}
/// Reads a pending mouse event: 0 on success with position and button state filled in.
static inline int ms_getmouse(int *y, int *x, unsigned long *bstate) {
    MEVENT ev;
    if (getmouse(&ev) != OK) return -1;
    *y = ev.y; *x = ev.x; *bstate = (unsigned long)ev.bstate;
    return 0;
}

// MARK: locale

/// Sets the locale from the environment; when its codeset is not UTF-8 (e.g. LANG unset,
/// so "C"), falls back to C.UTF-8 so wide characters work. Returns 1 when UTF-8 is active.
int ms_setup_locale(void);

// MARK: terminal restore and signals (shim.c)

/// Starts curses on the process's terminal with `newterm` (not `initscr`, which prints and
/// exits the process on an unknown TERM). Returns 0, or -1 when the terminal cannot be
/// initialised (no terminfo entry for TERM, or not a terminal).
int ms_start(void);

/// Leaves curses mode once: the terminal gets its cooked mode, cursor and main screen back,
/// then anything written to stderr meanwhile is shown.
void ms_restore_terminal(void);

/// Installs the restore handlers (atexit; SIGINT, SIGTERM, SIGHUP, SIGQUIT and, unless the
/// crash handler is in place, the crash signals) and a SIGWINCH handler that writes to a
/// non-blocking self-pipe. Returns the pipe's read end, to be polled beside stdin, or -1.
int ms_install_handlers(void);

/// Installs the crash handler for SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGFPE and SIGABRT,
/// replacing the Swift runtime's backtracer handlers (installed before main; the last
/// sigaction wins): restore the terminal, write a backtrace to `path`, print one line
/// naming `program` and the signal on stderr, exit with 128 + the signal.
void ms_install_crash_handlers(const char *program, const char *path);

/// Ctrl-Z: gives the terminal back, stops the process like any job (SIGTSTP), and on
/// `fg` takes the terminal again; the caller redraws everything.
void ms_suspend(void);

/// Drains the SIGWINCH self-pipe; returns how many resize signals arrived.
int ms_drain_winch(void);

/// The terminal's size from the kernel (ioctl on stdout, then stdin). 0 on success.
int ms_terminal_size(int *rows, int *cols);

#endif
