#ifndef GED_CCURL_SHIM_H
#define GED_CCURL_SHIM_H
#include <curl/curl.h>
#endif
