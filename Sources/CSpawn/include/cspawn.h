#ifndef GED_CSPAWN_H
#define GED_CSPAWN_H
#include <sys/types.h>

/* Starts `path` (absolute) with `argv` and `envp` as the leader of a new
   process group, in `directory`, with stdin from /dev/null and stdout and
   stderr appended to `log_fd`, default dispositions for the usual stop
   signals and an empty signal mask, and no other descriptor of the caller
   open. The child asks for SIGKILL when the calling thread ends *before* it
   execs and checks that its parent is still the caller, so a worker killed
   at any moment takes the job with it: no window between fork and a
   parent-death request made later by an exec'd helper.
   Returns 0 and sets *pid, or the errno of what failed (in the child too:
   reported through a close-on-exec pipe). */
int ged_spawn(const char *path, char *const argv[], char *const envp[], const char *directory, int log_fd,
              pid_t *pid);

#endif
