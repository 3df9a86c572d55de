#include <stdlib.h>
int main(void) { const char *e; return (int)strtonum("1", 0, 2, &e) - 1; }
