#version 450
// The block GEMV (block_fully_connected.glsl) with a shared-memory tree.
#define SUBGROUPS 0
#include "block_fully_connected.glsl"
