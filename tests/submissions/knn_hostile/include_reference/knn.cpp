// Hostile sample 'include_reference': includes the reference solution by a relative path.
#include "../../../../reference/knn/knn.cpp"
#include "../reference/knn/knn.cpp"
