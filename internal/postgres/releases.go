package postgres

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
	"github.com/uclg-digital-cities/digitalcities/internal/releasefile"
)

// ChunkSize is the size of the pieces a release file is stored in.
const ChunkSize = 1 << 20

// ReleaseRows is a stream of a release's rows, as a FileWriter reads them.
type ReleaseRows = releasefile.Rows

// FileWriter writes a release's rows in one format to w and returns how many rows it wrote.
// table names what the rows are (a spreadsheet's sheet); created is the release's moment, the
// only time a file may record, so that the same rows always make the same bytes.
type FileWriter func(format string, w io.Writer, table string, cols []domain.Column, rows ReleaseRows, created time.Time) (int64, error)

// PublishRelease takes a new release of a dataset: its rows are read in one consistent
// snapshot, once per format and language, and each file is written as it is produced, in
// chunks, so that memory stays constant whatever the size. Every file is written in English;
// in French and in Spanish only when some label of the rows has a version in that language,
// else that language is served the English files. The files, the release and the dataset's
// new latest_release are committed together, or nothing is. Releases of one dataset are
// taken one at a time (the dataset's row is locked).
func (db *DB) PublishRelease(ctx context.Context, caller domain.Caller, slug, notes string, write FileWriter) (*domain.Release, error) {
	var out *domain.Release
	err := db.inTx(ctx, caller, func(tx *sqlx.Tx) error {
		before, err := getDataset(ctx, tx, slug, "FOR UPDATE")
		if err != nil {
			return err
		}
		table, ok := releaseTables[before.Content.Resource]
		if !ok {
			return fmt.Errorf("dataset %q: no release table for %q", slug, before.Content.Resource)
		}
		number := 1
		if before.LatestRelease != nil {
			number = *before.LatestRelease + 1
		}
		snap, err := db.exportTx(ctx)
		if err != nil {
			return err
		}
		defer snap.Rollback() // read-only
		r := domain.Release{Dataset: slug, Number: number, Notes: notes, Content: before.Content,
			Metadata: domain.DatasetMetadata(before.DatasetFields)}
		var horizon string
		if err := snap.QueryRowContext(ctx, `SELECT clock_timestamp(), pg_snapshot_xmin(pg_current_snapshot())::text`).
			Scan(&r.AsOf, &horizon); err != nil {
			return err
		}
		tx64, err := strconv.ParseUint(horizon, 10, 64)
		if err != nil {
			return err
		}
		r.AsOf = r.AsOf.UTC()
		r.ChangesCursor = domain.ChangeCursor{Tx: tx64}.Encode()
		for _, lang := range domain.Languages {
			if lang != "en" {
				query, args := table.translatedQuery(r.Content, lang)
				var translated bool
				if err := snap.GetContext(ctx, &translated, query, args...); err != nil {
					return err
				}
				if !translated {
					continue // served the English files
				}
			}
			for i, f := range domain.ReleaseFormats {
				file, rows, err := writeReleaseFile(ctx, tx, snap, table, &r, f.Format, f.MediaType, lang, write)
				if err != nil {
					return err
				}
				if (lang != "en" || i > 0) && rows != r.Rows {
					return fmt.Errorf("release %s/%d: %s (%s) has %d rows, %s (en) %d", slug, number, f.Format, lang, rows,
						domain.ReleaseFormats[0].Format, r.Rows)
				}
				r.Rows = rows
				if lang == "en" {
					r.Files = append(r.Files, file)
				}
				r.Files[i].Languages = append(r.Files[i].Languages, domain.ReleaseFileLanguage{Language: lang, Bytes: file.Bytes, SHA256: file.SHA256})
			}
		}
		if err := tx.GetContext(ctx, &r.CreatedAt, `
			INSERT INTO releases (dataset, number, notes, rows, as_of, changes_cursor, content, metadata)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING created_at`,
			slug, number, notes, r.Rows, r.AsOf, r.ChangesCursor, r.Content, r.Metadata); err != nil {
			return err
		}
		r.CreatedAt = r.CreatedAt.UTC()
		if _, err := tx.ExecContext(ctx, `UPDATE datasets SET latest_release = $2, version = version + 1, updated_at = now()
			WHERE slug = $1`, slug, number); err != nil {
			return err
		}
		after, err := getDataset(ctx, tx, slug, "")
		if err != nil {
			return err
		}
		if err := audit(ctx, tx, caller, "update", "dataset", slug, before, after); err != nil {
			return err
		}
		withReleaseHrefs(&r)
		out = &r
		return audit(ctx, tx, caller, "create", "release", slug+"/"+strconv.Itoa(number), nil, &r)
	})
	return out, err
}

// writeReleaseFile reads the table's rows in the snapshot and writes them in one format, with
// their labels in lang, chunk by chunk, in tx.
func writeReleaseFile(ctx context.Context, tx *sqlx.Tx, snap *sqlx.Tx, table releaseTable, r *domain.Release,
	format, mediaType, lang string, write FileWriter) (domain.ReleaseFile, int64, error) {
	content, slug, number := r.Content, r.Dataset, r.Number
	file := domain.ReleaseFile{Name: releaseFileName(content.Resource, format), Format: format, MediaType: mediaType}
	var id int64
	if err := tx.GetContext(ctx, &id, `SELECT nextval('release_files_id_seq')`); err != nil {
		return file, 0, err
	}
	query, args := table.query(content, lang)
	rows, err := snap.QueryContext(ctx, query, args...)
	if err != nil {
		return file, 0, err
	}
	defer rows.Close()
	w := &chunkWriter{ctx: ctx, tx: tx, file: id, hash: sha256.New()}
	n, err := write(format, w, content.Resource, table.columns, newReleaseRows(rows, table.columns), r.AsOf)
	if err != nil {
		return file, 0, err
	}
	if err := w.flush(); err != nil {
		return file, 0, err
	}
	file.Bytes, file.SHA256 = w.size, hex.EncodeToString(w.hash.Sum(nil))
	_, err = tx.ExecContext(ctx, `
		INSERT INTO release_files (id, dataset, number, name, format, media_type, bytes, sha256, chunk_size, language)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		id, slug, number, file.Name, format, mediaType, file.Bytes, file.SHA256, ChunkSize, lang)
	return file, n, err
}

// releaseFileName is a release file's name: the resource, then the format's extension.
func releaseFileName(resource, format string) string { return resource + "." + format }

// chunkWriter stores what is written to it as a release file's chunks, and hashes it.
type chunkWriter struct {
	ctx  context.Context
	tx   *sqlx.Tx
	file int64
	buf  []byte
	n    int
	size int64
	hash hash.Hash
}

func (w *chunkWriter) Write(p []byte) (int, error) {
	written := len(p)
	for len(p) > 0 {
		if w.buf == nil {
			w.buf = make([]byte, 0, ChunkSize)
		}
		take := min(len(p), ChunkSize-len(w.buf))
		w.buf = append(w.buf, p[:take]...)
		p = p[take:]
		if len(w.buf) == ChunkSize {
			if err := w.flush(); err != nil {
				return 0, err
			}
		}
	}
	return written, nil
}

// flush stores the buffered bytes as the next chunk.
func (w *chunkWriter) flush() error {
	if len(w.buf) == 0 && w.n > 0 {
		return nil
	}
	if w.buf == nil {
		w.buf = []byte{} // an empty file (NDJSON of no rows) is one empty chunk, not a NULL one
	}
	if _, err := w.tx.ExecContext(w.ctx, `INSERT INTO release_file_chunks (file_id, n, data) VALUES ($1, $2, $3)`,
		w.file, w.n, w.buf); err != nil {
		return err
	}
	w.hash.Write(w.buf)
	w.size += int64(len(w.buf))
	w.n++
	w.buf = w.buf[:0]
	return nil
}

// withReleaseHrefs fills the paths of a release's files and of their languages' versions.
func withReleaseHrefs(r *domain.Release) {
	for i := range r.Files {
		f := &r.Files[i]
		f.Href = fmt.Sprintf("/v1/datasets/%s/releases/%d/files/%s", r.Dataset, r.Number, f.Name)
		for j := range f.Languages {
			f.Languages[j].Href = f.Href + "?lang=" + f.Languages[j].Language
		}
	}
}

const releaseSelect = `SELECT dataset, number, notes, rows, as_of, changes_cursor, content, metadata, created_at FROM releases`

// ListReleases returns a dataset's releases, newest first, before the given number (0: from
// the newest), and whether there are more.
func (db *DB) ListReleases(ctx context.Context, slug string, before, limit int) ([]domain.Release, bool, error) {
	if _, err := db.GetDataset(ctx, slug); err != nil {
		return nil, false, err
	}
	var rs []domain.Release
	err := db.reader(ctx).SelectContext(ctx, &rs, releaseSelect+`
		WHERE dataset = $1 AND ($2 = 0 OR number < $2) ORDER BY number DESC LIMIT $3`, slug, before, limit+1)
	if err != nil {
		return nil, false, mapError(err)
	}
	more := len(rs) > limit
	if more {
		rs = rs[:limit]
	}
	for i := range rs {
		if err := db.releaseFiles(ctx, &rs[i]); err != nil {
			return nil, false, err
		}
	}
	return rs, more, nil
}

// GetRelease returns one release of a dataset with its files.
func (db *DB) GetRelease(ctx context.Context, slug string, number int) (*domain.Release, error) {
	var r domain.Release
	err := db.reader(ctx).GetContext(ctx, &r, releaseSelect+` WHERE dataset = $1 AND number = $2`, slug, number)
	if errors.Is(err, sql.ErrNoRows) {
		if _, err := db.GetDataset(ctx, slug); err != nil {
			return nil, err
		}
		return nil, domain.Errorf(domain.ENOTFOUND, "dataset %q has no release %d", slug, number)
	}
	if err != nil {
		return nil, mapError(err)
	}
	if err := db.releaseFiles(ctx, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// releaseFiles reads a release's files: the English ones, each with its languages' versions.
func (db *DB) releaseFiles(ctx context.Context, r *domain.Release) error {
	r.AsOf, r.CreatedAt = r.AsOf.UTC(), r.CreatedAt.UTC()
	var stored []struct {
		domain.ReleaseFile
		Language string `db:"language"`
	}
	err := db.reader(ctx).SelectContext(ctx, &stored, `
		SELECT name, format, media_type, bytes, sha256, language FROM release_files
		WHERE dataset = $1 AND number = $2
		ORDER BY array_position(ARRAY['csv', 'ndjson', 'json', 'xlsx', 'parquet'], format),
		         array_position(ARRAY['en', 'fr', 'es'], language)`, r.Dataset, r.Number)
	if err != nil {
		return mapError(err)
	}
	r.Files = make([]domain.ReleaseFile, 0, len(stored))
	for _, f := range stored {
		if f.Language == "en" {
			r.Files = append(r.Files, f.ReleaseFile)
		}
		if n := len(r.Files); n > 0 && r.Files[n-1].Name == f.Name {
			r.Files[n-1].Languages = append(r.Files[n-1].Languages,
				domain.ReleaseFileLanguage{Language: f.Language, Bytes: f.Bytes, SHA256: f.SHA256})
		}
	}
	withReleaseHrefs(r)
	return nil
}

// StoredFile is a release file as stored: its description and where its bytes are.
type StoredFile struct {
	domain.ReleaseFile
	Language  string    `db:"language"` // of its labels
	ID        int64     `db:"id"`
	ChunkSize int64     `db:"chunk_size"`
	License   string    `db:"license"`    // the dataset's SPDX id
	CreatedAt time.Time `db:"created_at"` // the release's: Last-Modified
}

// GetReleaseFile returns the description of a release file's version in lang (en, fr or es),
// or of its English version when the release has no labels in lang.
func (db *DB) GetReleaseFile(ctx context.Context, slug string, number int, name, lang string) (*StoredFile, error) {
	var f StoredFile
	err := db.reader(ctx).GetContext(ctx, &f, `
		SELECT f.id, f.name, f.format, f.media_type, f.bytes, f.sha256, f.chunk_size, f.language, r.created_at,
		       r.metadata->>'license' AS license
		FROM release_files f JOIN releases r ON r.dataset = f.dataset AND r.number = f.number
		WHERE f.dataset = $1 AND f.number = $2 AND f.name = $3 AND f.language IN ($4, 'en')
		ORDER BY f.language = $4 DESC LIMIT 1`, slug, number, name, lang)
	if errors.Is(err, sql.ErrNoRows) {
		if _, err := db.GetRelease(ctx, slug, number); err != nil {
			return nil, err
		}
		return nil, domain.Errorf(domain.ENOTFOUND, "release %s/%d has no file %q", slug, number, name)
	}
	if err != nil {
		return nil, mapError(err)
	}
	return &f, nil
}

// CopyReleaseFile writes length bytes of a stored file from offset to w, reading only the
// chunks that hold them, one at a time.
func (db *DB) CopyReleaseFile(ctx context.Context, f *StoredFile, offset, length int64, w io.Writer) error {
	if length <= 0 {
		return nil
	}
	first, last := offset/f.ChunkSize, (offset+length-1)/f.ChunkSize
	rows, err := db.reader(ctx).QueryContext(ctx, `
		SELECT n, data FROM release_file_chunks WHERE file_id = $1 AND n BETWEEN $2 AND $3 ORDER BY n`, f.ID, first, last)
	if err != nil {
		return mapError(err)
	}
	defer rows.Close()
	var n int64
	var data sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&n, &data); err != nil {
			return mapError(err)
		}
		start := n * f.ChunkSize
		lo, hi := max(offset-start, 0), min(offset+length-start, int64(len(data)))
		if lo < hi {
			if _, err := w.Write(data[lo:hi]); err != nil {
				return err
			}
		}
	}
	return mapError(rows.Err())
}
