#include <cstdio>
int main() { std::puts("odin: work in progress"); return 0; }
