package api

import (
	"io"
	"time"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
	"github.com/uclg-digital-cities/digitalcities/internal/postgres"
	"github.com/uclg-digital-cities/digitalcities/internal/releasefile"
)

// writeReleaseFile writes a release's rows in one of the release formats.
func writeReleaseFile(format string, w io.Writer, table string, cols []domain.Column, rows postgres.ReleaseRows, created time.Time) (int64, error) {
	return releasefile.Write(format, w, cols, rows, releasefile.Options{Sheet: table, Created: created})
}
