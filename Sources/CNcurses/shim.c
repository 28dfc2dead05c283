// The stateful half of the ncursesw shim (see include/CNcurses.h): the terminal-restore
// plumbing and the crash handler. Its state lives here once for the whole process, so
// whichever Swift file calls these functions, they act on the same curses session.
// wcwidth, sigaltstack and friends are POSIX/XSI: ask glibc for them before any header.
#define _GNU_SOURCE 1
#include "CNcurses.h"

// MARK: characters

int ms_wcwidth(unsigned int c) { return wcwidth((wchar_t)c); }

// MARK: locale

int ms_setup_locale(void) {
    setlocale(LC_ALL, "");
    const char *cs = nl_langinfo(CODESET);
    if (cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0)) return 1;
    if (setlocale(LC_ALL, "C.UTF-8") || setlocale(LC_ALL, "C.utf8") || setlocale(LC_ALL, "en_US.UTF-8")) {
        cs = nl_langinfo(CODESET);
        return cs && strcmp(cs, "UTF-8") == 0;
    }
    return 0;
}

// MARK: terminal restore and signals

static volatile sig_atomic_t ms_curses_active = 0;
static int ms_winch_pipe[2] = {-1, -1};
/// The handlers that were installed before ours (e.g. the Swift runtime's crash
/// backtracer), run after the terminal is restored.
static struct sigaction ms_previous_actions[65];
static struct sigaction *ms_previous(int sig) {
    return &ms_previous_actions[sig > 0 && sig < 65 ? sig : 0];
}

static int ms_saved_stderr = -1;
static int ms_stderr_capture = -1;

/// While curses owns the screen, stderr goes to an unlinked temporary file, so stray
/// messages (a Swift fatal error, a library warning) do not scribble over the frame or
/// vanish with the alternate screen; ms_restore_terminal replays them.
static void ms_capture_stderr(void) {
    if (ms_saved_stderr >= 0) return;
    FILE *f = tmpfile();
    if (f == NULL) return;
    int fd = dup(fileno(f));
    fclose(f);
    if (fd < 0) return;
    ms_saved_stderr = dup(2);
    if (ms_saved_stderr < 0 || dup2(fd, 2) < 0) {
        close(fd);
        ms_saved_stderr = -1;
        return;
    }
    ms_stderr_capture = fd;
}

/// Puts stderr back and copies what was written meanwhile to it (async-signal-safe calls only).
static void ms_release_stderr(void) {
    if (ms_saved_stderr < 0) return;
    dup2(ms_saved_stderr, 2);
    close(ms_saved_stderr);
    ms_saved_stderr = -1;
    char buf[4096];
    ssize_t n;
    if (lseek(ms_stderr_capture, 0, SEEK_SET) == 0) {
        while ((n = read(ms_stderr_capture, buf, sizeof buf)) > 0) {
            ssize_t off = 0;
            while (off < n) {
                ssize_t w = write(2, buf + off, (size_t)(n - off));
                if (w <= 0) break;
                off += w;
            }
        }
    }
    close(ms_stderr_capture);
    ms_stderr_capture = -1;
}

/// Leaves curses mode once: the terminal gets its cooked mode, cursor and main screen back,
/// then anything written to stderr meanwhile is shown.
void ms_restore_terminal(void) {
    if (ms_curses_active) {
        ms_curses_active = 0;
        endwin();
    }
    ms_release_stderr();
}

static void ms_atexit_handler(void) { ms_restore_terminal(); }

/// Fatal and terminating signals: restore the terminal, then hand the signal to whatever
/// handled it before (the Swift backtracer prints to a sane terminal), else die of it, so
/// the exit status and core dump behaviour are unchanged.
static void ms_fatal_signal(int sig) {
    ms_restore_terminal();
    if (sig > 0 && sig < 65) {
        sigaction(sig, ms_previous(sig), NULL);
    } else {
        signal(sig, SIG_DFL);
    }
    raise(sig);
}

static void ms_winch_signal(int sig) {
    (void)sig;
    int saved = errno;
    if (ms_winch_pipe[1] >= 0) {
        char b = 1;
        ssize_t r = write(ms_winch_pipe[1], &b, 1);
        (void)r;
    }
    errno = saved;
}

// MARK: crashes

/// Where the crash handler writes the backtrace, and the line it prints: both made when it is
/// installed, so the handler itself only copies bytes (async-signal-safe).
static char ms_crash_path[512];
static char ms_crash_program[64];

static size_t ms_strlen(const char *s) { size_t n = 0; while (s[n]) n++; return n; }
static void ms_write_all(int fd, const char *s) {
    size_t n = ms_strlen(s), off = 0;
    while (off < n) {
        ssize_t w = write(fd, s + off, n - off);
        if (w <= 0) { if (w < 0 && errno == EINTR) continue; return; }
        off += (size_t)w;
    }
}

/// The signal's name and what it usually means in a Swift program.
static const char *ms_crash_name(int sig) {
    switch (sig) {
    case SIGILL: return "SIGILL, illegal instruction: a Swift runtime trap";
    case SIGTRAP: return "SIGTRAP, trace trap: a Swift runtime trap";
    case SIGSEGV: return "SIGSEGV, segmentation fault: invalid memory access";
    case SIGBUS: return "SIGBUS, bus error: invalid memory access";
    case SIGFPE: return "SIGFPE, arithmetic exception";
    case SIGABRT: return "SIGABRT, aborted";
    default: return "fatal signal";
    }
}

/// A crash: give the terminal back first, write a backtrace to a file, say so in one line
/// on stderr, and exit at once with 128 + the signal (what a shell reports for a death by
/// that signal). Nothing here waits: no core dump, no interactive backtracer prompt.
static void ms_crash_signal(int sig) {
    ms_restore_terminal();
    int fd = ms_crash_path[0] ? open(ms_crash_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600) : -1;
    if (fd >= 0) {
        ms_write_all(fd, ms_crash_program);
        ms_write_all(fd, ": crashed (");
        ms_write_all(fd, ms_crash_name(sig));
        ms_write_all(fd, ")\nbacktrace (innermost first; symbolize with swift demangle / addr2line):\n");
        void *frames[128];
        int n = backtrace(frames, 128);
        backtrace_symbols_fd(frames, n, fd);
        close(fd);
    }
    ms_write_all(2, ms_crash_program);
    ms_write_all(2, ": crashed (");
    ms_write_all(2, ms_crash_name(sig));
    if (fd >= 0) {
        ms_write_all(2, "); backtrace in ");
        ms_write_all(2, ms_crash_path);
        ms_write_all(2, "\n");
    } else {
        ms_write_all(2, "); no backtrace written\n");
    }
    _exit(128 + sig);
}

/// Installs ms_crash_signal for SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGFPE and SIGABRT,
/// replacing the Swift runtime's backtracer handlers (installed before main; the last
/// sigaction wins). `path` is where a backtrace goes. Runs on an alternate stack, so a
/// stack overflow on the main thread still reports.
void ms_install_crash_handlers(const char *program, const char *path) {
    strncpy(ms_crash_program, program, 63);
    strncpy(ms_crash_path, path, 511);
    // backtrace() loads libgcc_s on first use (which allocates): do that now, not in the handler.
    void *warm[2];
    (void)backtrace(warm, 2);
    static char altstack[65536];
    stack_t ss;
    memset(&ss, 0, sizeof ss);
    ss.ss_sp = altstack;
    ss.ss_size = sizeof altstack;
    sigaltstack(&ss, NULL);
    int sigs[] = {SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGFPE, SIGABRT};
    for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = ms_crash_signal;
        sigemptyset(&sa.sa_mask);
        // A fault inside the handler kills the process with the default action.
        sa.sa_flags = SA_ONSTACK | SA_RESETHAND;
        sigaction(sigs[i], &sa, NULL);
    }
}

/// Installs the restore handlers (atexit; SIGINT, SIGTERM, SIGHUP, SIGQUIT and, unless the
/// crash handler above is in place, the crash signals) and a SIGWINCH handler that writes to a non-blocking self-pipe. Returns the
/// pipe's read end, to be polled beside stdin, or -1.
int ms_install_handlers(void) {
    static int installed = 0;
    if (!installed) {
        installed = 1;
        atexit(ms_atexit_handler);
        int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP};
        // With the crash handler installed it already restores the terminal on crash signals.
        unsigned count = ms_crash_program[0] ? 4 : sizeof(sigs) / sizeof(sigs[0]);
        for (unsigned i = 0; i < count; i++) {
            struct sigaction sa;
            memset(&sa, 0, sizeof(sa));
            sa.sa_handler = ms_fatal_signal;
            sigemptyset(&sa.sa_mask);
            sa.sa_flags = 0;
            sigaction(sigs[i], &sa, ms_previous(sigs[i]));
        }
        if (pipe(ms_winch_pipe) == 0) {
            for (int i = 0; i < 2; i++) {
                fcntl(ms_winch_pipe[i], F_SETFL, fcntl(ms_winch_pipe[i], F_GETFL) | O_NONBLOCK);
                fcntl(ms_winch_pipe[i], F_SETFD, FD_CLOEXEC);
            }
            struct sigaction sa;
            memset(&sa, 0, sizeof(sa));
            sa.sa_handler = ms_winch_signal;
            sigemptyset(&sa.sa_mask);
            sa.sa_flags = SA_RESTART;
            sigaction(SIGWINCH, &sa, NULL);
        }
    }
    return ms_winch_pipe[0];
}

/// Ctrl-Z: gives the terminal back, stops the process like any job (SIGTSTP), and on
/// `fg` takes the terminal again; the caller redraws everything.
void ms_suspend(void) {
    if (!ms_curses_active) return;
    ms_restore_terminal();
    // ncurses installs its own SIGTSTP handler; stop with the default action instead, and
    // unblock SIGTSTP on this thread (runtime threads block most signals) so raise()
    // stops the process here, before the terminal is taken back.
    struct sigaction dfl, prev;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(SIGTSTP, &dfl, &prev);
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGTSTP);
    pthread_sigmask(SIG_UNBLOCK, &set, &old);
    raise(SIGTSTP);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    sigaction(SIGTSTP, &prev, NULL);
    ms_curses_active = 1;
    ms_capture_stderr();
    reset_prog_mode();
    clearok(stdscr, TRUE);
    refresh();
}

/// Drains the self-pipe; returns how many resize signals arrived.
int ms_drain_winch(void) {
    char buf[64];
    int n = 0;
    ssize_t r;
    while (ms_winch_pipe[0] >= 0 && (r = read(ms_winch_pipe[0], buf, sizeof buf)) > 0) n += (int)r;
    return n;
}

/// The terminal's size from the kernel (ioctl on stdout, then stdin). 0 on success.
int ms_terminal_size(int *rows, int *cols) {
    struct winsize ws;
    if (ioctl(1, TIOCGWINSZ, &ws) == 0 || ioctl(0, TIOCGWINSZ, &ws) == 0) {
        if (ws.ws_row > 0 && ws.ws_col > 0) {
            *rows = ws.ws_row;
            *cols = ws.ws_col;
            return 0;
        }
    }
    return -1;
}

/// Starts curses on the process's terminal with `newterm` (not `initscr`, which prints and
/// exits the process on an unknown TERM). Returns 0, or -1 when the terminal cannot be
/// initialised (no terminfo entry for TERM, or not a terminal).
int ms_start(void) {
    SCREEN *s = newterm(NULL, stdout, stdin);
    if (s == NULL) return -1;
    set_term(s);
    ms_curses_active = 1;
    ms_capture_stderr();
    return 0;
}
