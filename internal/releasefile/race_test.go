//go:build race

package releasefile

// Under the race detector, which makes each row up to fifty times slower (compress/flate's
// most of all), TestConstantMemory writes a tenth of the rows, in smaller row groups so that
// they still span several. Its check is weaker there (a writer that kept the row groups'
// compressed pages would grow by less than heapSlack); the plain run is the measurement.
const (
	memoryTestRows     = 24_000
	memoryTestRowGroup = 4 << 10
)
