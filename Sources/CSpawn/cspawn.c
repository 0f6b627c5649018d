#define _GNU_SOURCE
#include "cspawn.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* Only async-signal-safe calls between fork and exec: the caller has threads. */
static void fail(int report, int error) {
    ssize_t written;
    do {
        written = write(report, &error, sizeof error);
    } while (written < 0 && errno == EINTR);
    _exit(127);
}

int ged_spawn(const char *path, char *const argv[], char *const envp[], const char *directory, int log_fd,
              pid_t *pid) {
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) return errno;
    int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null_fd < 0) {
        int error = errno;
        close(report[0]);
        close(report[1]);
        return error;
    }
    pid_t parent = getpid();
    sigset_t all, previous;
    sigfillset(&all);
    /* No handler of the caller's may run in the child before exec. */
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    pid_t child = fork();
    if (child == 0) {
        /* Keep the report pipe clear of 0-2, which are about to be replaced. */
        if (report[1] < 3) {
            int moved = fcntl(report[1], F_DUPFD_CLOEXEC, 3);
            if (moved < 0) _exit(127);
            report[1] = moved;
        }
        if (setpgid(0, 0) != 0) fail(report[1], errno);
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) fail(report[1], errno);
        /* The worker died between fork and prctl: nobody would kill us. */
        if (getppid() != parent) _exit(127);
        int stop_signals[] = {SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGQUIT};
        struct sigaction default_action = {0};
        default_action.sa_handler = SIG_DFL;
        for (unsigned i = 0; i < sizeof stop_signals / sizeof stop_signals[0]; i++) {
            sigaction(stop_signals[i], &default_action, NULL);
        }
        if (dup2(null_fd, 0) < 0 || dup2(log_fd, 1) < 0 || dup2(log_fd, 2) < 0) fail(report[1], errno);
        if (chdir(directory) != 0) fail(report[1], errno);
        /* The report pipe moves to 3 (still close-on-exec); all above it closes. */
        if (report[1] != 3 && dup3(report[1], 3, O_CLOEXEC) < 0) fail(report[1], errno);
        closefrom(4);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        execve(path, argv, envp);
        fail(3, errno);
    }
    int fork_error = child < 0 ? errno : 0;
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    close(report[1]);
    close(null_fd);
    if (child < 0) {
        close(report[0]);
        return fork_error;
    }
    int error = 0;
    ssize_t got;
    do {
        got = read(report[0], &error, sizeof error);
    } while (got < 0 && errno == EINTR);
    close(report[0]);
    if (got == sizeof error) {
        int status;
        while (waitpid(child, &status, 0) < 0 && errno == EINTR) {}
        return error;
    }
    *pid = child;
    return 0;
}
