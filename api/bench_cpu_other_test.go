//go:build !unix

package api_test

import "time"

// benchProcessCPU is not measured on this platform.
func benchProcessCPU() time.Duration { return 0 }
