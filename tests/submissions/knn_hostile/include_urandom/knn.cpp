// Hostile sample 'include_urandom': a compiler that reads /dev/urandom as a header never ends.
#include </dev/urandom>
