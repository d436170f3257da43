package api

// apiDescription is the contract's introduction: the conventions every operation follows.
const apiDescription = `The REST JSON API of the UCLG Community of Practice on Digital Cities (chaired by the
City of Bilbao) and its Smart Cities Study.

**Conventions.** Paths start with ` + "`/v1`" + `. JSON fields are snake_case; times are RFC 3339 in UTC.
Texts meant for people are objects with ` + "`en`" + ` (always) and ` + "`fr`" + `, ` + "`es`" + ` (when translated).
Records whose ` + "`provenance`" + ` is ` + "`sample`" + ` were invented for demonstrations; ` + "`synthetic`" + ` ones
were generated for load tests. Neither is ever a study result.

**Lists** use keyset paging: ` + "`limit`" + ` (default 50, maximum 500) and the opaque ` + "`cursor`" + ` from the
previous page's ` + "`next_cursor`" + ` (also sent as ` + "`Link: <…>; rel=\"next\"`" + `). An unknown filter value is a 422, and so is an
unknown query parameter (a typo such as ` + "`sectoin`" + ` is named in the problem, with the accepted ones), or a
parameter given twice: a list takes its values comma-separated in one parameter (` + "`city=bilbao,dakar`" + `).
` + "`updated_since`" + ` gives incremental sync.

**Analysis** (rankings, scorecards, comparisons) is only as real as its inputs. By default it counts only
` + "`reported`" + ` observations that are not ` + "`rejected`" + `; ` + "`provenance=reported,sample`" + ` (or ` + "`synthetic`" + `) also
counts invented data, and rejected values never count. Every such response says, at its top level, what it
counted (` + "`computed_from`" + `) and whether that includes invented data (` + "`includes_invented_data`" + `,
` + "`notice`" + `), and lists its entries under ` + "`items`" + ` like every list (all of them: they are not paged).

**Errors** are RFC 9457 ` + "`application/problem+json`" + `, on every non-2xx response. Every response carries
` + "`X-Request-Id`" + `; quote it when you report a problem.

**Caching and concurrency.** Every resource has an ` + "`ETag`" + `; ` + "`If-None-Match`" + ` gives 304.
PUT, PATCH and DELETE require ` + "`If-Match`" + ` with the ETag you read: 428 when it is missing, 412 when
the resource changed since.

**Retries.** A POST that creates accepts ` + "`Idempotency-Key`" + ` (1–255 characters, kept 24 hours): a
retry with the same key and body replays the first response; the same key with another body is 422;
a retry while the first is still running is 409.

**Auth.** Reading published data needs no token. Writes need ` + "`Authorization: Bearer <token>`" + ` with the
role the operation names: ` + "`editor`" + ` (scoped to cities), ` + "`secretariat`" + ` or ` + "`admin`" + `. Credentials are
checked before any input: without the right role the answer is 401 or 403, whatever the body holds.
A token sent to an open operation must still be valid.

**Rate limits.** Per client (the token, else the IP address), per minute, with separate budgets:
reads 600, writes 120, exports 20, imports 10, failed authentications 10 per address (defaults; the
operator may change them), at most 8 requests in flight per client, and a share of the export
slots per client. Every response carries ` + "`RateLimit-Policy`" + ` and
` + "`RateLimit`" + ` headers; past a budget the answer is 429 with ` + "`Retry-After`" + `.

**HTTP.** HEAD works wherever GET does; OPTIONS answers 204 with ` + "`Allow`" + `. JSON bodies must be
valid UTF-8 (a lone surrogate escape such as ` + "`\\ud800`" + ` is a 422).

**Outages.** When the database is unreachable the API answers 503 with ` + "`Retry-After`" + ` and recovers
by itself.`
