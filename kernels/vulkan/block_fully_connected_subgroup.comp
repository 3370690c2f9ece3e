#version 450
// The block GEMV (block_fully_connected.glsl) adding through subgroupAdd:
// for devices with subgroup arithmetic in compute shaders only (SPIR-V
// declares the capability, so it is a kernel of its own).
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_arithmetic : require
#define SUBGROUPS 1
#include "block_fully_connected.glsl"
