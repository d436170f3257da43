//go:build !race

package releasefile

// TestConstantMemory writes memoryTestRows rows in Parquet row groups of memoryTestRowGroup.
const (
	memoryTestRows     = 240_000
	memoryTestRowGroup = 16 << 10
)
