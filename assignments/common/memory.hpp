// Process-wide allocator settings for programs that allocate and free large matrices in a loop
// (a minibatch step makes and drops a few MB of temporaries). Not a memory pool: only glibc's
// malloc tuned.
#pragma once

namespace pg {

// Makes glibc's malloc keep freed memory for the next allocations instead of handing it back to
// the kernel: every block up to 32 MiB comes from the heap, and the heap is trimmed only when
// 512 MiB lie free at its top. Otherwise each minibatch faults its temporaries in again, page by
// page (one epoch of the lecture's MLP: 662,000 page faults and 3.7 s, against 86,000 and 1.3 s
// with this; tests/bench/bench_backprop). Call once at the start of main(); the demos, the
// benchmarks and every runner do. Returns false if malloc refused a setting.
bool reuse_freed_memory();

}  // namespace pg
