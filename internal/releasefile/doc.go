// Package releasefile writes the files of an open-data release (CSV, NDJSON, JSON, XLSX and
// Parquet) from a stream of typed rows, in constant memory and with no row cap, and reads
// them back so that tests can prove the round trip.
//
// # Values
//
// A row holds one value per column, typed by the column:
//
//	string    string
//	integer   int64
//	number    float64 (finite)
//	boolean   bool
//	datetime  time.Time (written in UTC, to the microsecond)
//	any       float64, bool or string (an observation's value, typed by its indicator)
//
// nil is null (an empty cell) in a column that is not required. A value of another type, a
// null in a required column, a NaN or an infinity, a time finer than a microsecond or outside
// the years 0 to 9999, or a text that is not valid UTF-8 or holds a control character other
// than tab, line feed and carriage return is an error: it is a bug upstream, and Write stops
// there. The five files of a release thus hold the same values.
//
// # Formats
//
// CSV is written as the API's observation export writes it: a header row of the column
// names, encoding/csv's quoting, lines ending in LF; numbers in strconv's shortest form with
// no exponent (1e21 is 1000000000000000000000, -0 is -0), booleans true and false, times RFC
// 3339 in UTC (2019-11-11T09:30:00.123456Z), null an empty cell; every text neutralised
// against spreadsheet formulas by domain.NeutraliseCSVCell ("=1+1" is written '=1+1).
//
// NDJSON is one JSON object per row and line, its keys the column names in column order;
// JSON is one array of the same objects, one per line. Values are typed as encoding/json
// types them in the API's exports: numbers as JSON numbers (1e+21 from 1e21 up), booleans,
// texts as strings (not neutralised), times as RFC 3339 strings in UTC, null.
//
// XLSX is a workbook whose first row, in bold and frozen, is the column names. Integers and
// numbers are number cells, booleans boolean cells, texts inline string cells (a text that
// begins with a formula character is a string cell with Excel's quote prefix: never a
// formula, and its value is unchanged); times are RFC 3339 texts in UTC, as in the CSV, since
// an Excel date has no time zone and only millisecond precision; null is no cell. A sheet,
// named Options.Sheet, holds Excel's 1,048,576 rows at most, header included: further rows
// continue on sheets named after it (data_2, data_3 and so on), each with its header row. A
// text longer than an Excel cell holds (32,767 characters) is an error in XLSX only.
//
// Parquet has one leaf column per column, in column order, required when the column is:
// string BYTE_ARRAY (STRING), integer INT64 (INT(64, signed)), number DOUBLE, boolean
// BOOLEAN, datetime INT64 (TIMESTAMP(MICROS, adjusted to UTC)). An any column x becomes three
// optional leaves, x_number (DOUBLE), x_boolean (BOOLEAN) and x_text (STRING): a value sets
// the one of its type and leaves the two others null; null leaves all three null. Row groups
// hold 65,536 rows at most; pages are SNAPPY-compressed data pages of version 1. The key-value
// metadata "columns" holds the columns (name, title, description, type, required, enum) as
// JSON.
//
// # What survives
//
// Every value comes back from every format as it was written (Read), -0, 1e21, 5e-324,
// 0.30000000000000004 and the extremes of int64 included, with two exceptions in CSV, which
// has no types and no null but the empty cell: an empty text reads back as null (as "" in a
// required string or any column), and a text in an any column that reads as a number or a
// boolean ("42", "true") reads back as one (the observation release carries each value's
// value_type beside it). A float64 has 53 bits: 9007199254740993 as a number is already
// 9007199254740992 before it is written; as an integer it survives every format.
//
// # Determinism
//
// The same rows and Options give the same bytes on every run of the same build, since a
// release file's SHA-256 is its ETag: the XLSX's only times are Options.Created, and
// Parquet's created_by names the Parquet library's version.
package releasefile
