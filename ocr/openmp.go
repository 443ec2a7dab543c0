//go:build linux

package ocr

/*
// Tesseract's LSTM opens an OpenMP parallel region at each time step of
// each layer: some 110,000 on an A4 page. With one thread per slot (see
// the package comment), libgomp still makes each region a team of one,
// whose closing barrier is a futex system call: 15 % of a page's time on
// this VM, for no parallelism. The four entry points libtesseract imports
// from libgomp are defined here instead. The dynamic linker searches the
// executable first, and binds a reference to a versioned symbol
// (GOMP_parallel@GOMP_4.0) to an unversioned definition, so Tesseract's
// calls come here: a region runs its body once, on the calling thread, as
// OpenMP runs a team of one. Work-sharing inside a region is then
// libgomp's orphaned form, which runs every iteration on that thread;
// only sections are handed out here, as GOMP_parallel_sections starts
// them.

static __thread unsigned section, sections;
static int used;

static void enter(void) {
	if (!__atomic_load_n(&used, __ATOMIC_RELAXED)) __atomic_store_n(&used, 1, __ATOMIC_RELAXED);
}

void GOMP_parallel(void (*fn)(void *), void *data, unsigned num_threads, unsigned flags) {
	enter();
	fn(data);
}

void GOMP_parallel_sections(void (*fn)(void *), void *data, unsigned num_threads, unsigned count, unsigned flags) {
	// A region may open in a section of another.
	unsigned outer = section, outerCount = sections;
	enter();
	section = 1;
	sections = count;
	fn(data);
	section = outer;
	sections = outerCount;
}

// GOMP_sections_next returns the next section to run, from 1, or 0 when
// all have run.
unsigned GOMP_sections_next(void) { return section != 0 && section <= sections ? section++ : 0; }

void GOMP_sections_end_nowait(void) {}

static int serialRegionsUsed(void) { return __atomic_load_n(&used, __ATOMIC_RELAXED); }
*/
import "C"

// serialRegions reports whether Tesseract's parallel regions have run
// through the entry points above rather than libgomp's.
func serialRegions() bool { return C.serialRegionsUsed() != 0 }
