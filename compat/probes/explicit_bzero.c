#include <string.h>
int main(void) { char b[4]; explicit_bzero(b, sizeof b); return b[0]; }
