#include <string.h>
int main(void) { char b[4]; return (int)strlcpy(b, "x", sizeof b) - 1; }
