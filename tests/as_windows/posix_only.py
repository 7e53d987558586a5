"""What Windows lacks of what Python offers on Linux (used by sitecustomize.py and the tests)."""

POSIX_ONLY = frozenset(
    {
        *("fcntl", "termios", "tty", "pty", "pwd", "grp", "resource", "syslog"),
        *("crypt", "spwd", "nis", "readline", "curses", "_curses", "posix_ipc", "_posixshmem"),
    }
)
"""Modules of the standard library that exist only on POSIX systems."""

SEAM = frozenset({("ametigen.write", "fcntl")})
"""(module, POSIX-only module) that may meet: the lock's one operating-system seam, which uses
msvcrt on Windows instead."""

POSIX_FUNCTIONS = ("fork", "forkpty", "sched_getaffinity", "killpg", "getpgid", "setsid")
POSIX_FUNCTIONS += ("getuid", "geteuid", "getgid")
POSIX_SIGNALS = ("SIGKILL", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGALRM")
POSIX_SIGNALS += ("SIGCHLD", "SIGPIPE", "SIGSTOP", "SIGCONT")
