#ifndef GED_CZMQ_SHIM_H
#define GED_CZMQ_SHIM_H
#include <zmq.h>
#endif
