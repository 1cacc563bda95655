#include "../testlib.h"
int main(void) { return 77; }
