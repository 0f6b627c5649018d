#ifndef GED_CSPAWN_H
#define GED_CSPAWN_H
#include <spawn.h>

/* posix_spawn_file_actions_addchdir_np is a GNU extension that Swift's Glibc
   module does not export; this wrapper makes it callable. */
int ged_spawn_file_actions_addchdir(posix_spawn_file_actions_t *actions, const char *path);

#endif
