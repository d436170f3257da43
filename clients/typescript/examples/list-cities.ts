/**
 * Lists every city page by page (following next_cursor), reads one, and revalidates it with its
 * ETag. Run it against a server (`make run`) from this folder:
 *
 *     npm run build && DIGITALCITIES_URL=http://localhost:8080 npm run example
 *
 * It exits with status 1, saying why, when the API does not answer as its contract says; the
 * Go tests run it against a real server (cmd/digitalcities/client_test.go).
 */
import { createDigitalCitiesClient, text, type Problem, type Schema } from "../src/index.js";

const baseUrl = process.env.DIGITALCITIES_URL ?? "http://localhost:8080";
const client = createDigitalCitiesClient({ baseUrl });
const pageSize = 2;

// Every city, a page at a time: the next page is the same request with cursor = next_cursor.
const cities: Schema<"City">[] = [];
let cursor: string | undefined;
let pages = 0;
do {
  const { data, error, response } = await client.GET("/v1/cities", {
    params: { query: { limit: pageSize, sort: "slug", cursor } },
  });
  if (!data) fail("list-cities", response, error);
  cities.push(...data.items);
  cursor = data.next_cursor ?? undefined;
  pages++;
} while (cursor);
console.log(`${cities.length} cities in ${pages} pages of ${pageSize}: ${cities.map((c) => c.slug).join(", ")}`);
check(cities.length > 0, "no cities: load the sample data (digitalcities seed)");
check(new Set(cities.map((c) => c.slug)).size === cities.length, "a city came twice across pages");
check(pages === Math.max(1, Math.ceil(cities.length / pageSize)), "the pages were not full until the last");

// One city, with its ETag.
const slug = cities.find((c) => c.slug === "bilbao")?.slug ?? cities[0]!.slug;
const { data: city, error, response } = await client.GET("/v1/cities/{slug}", { params: { path: { slug } } });
if (!city) fail("get-city", response, error);
const etag = response.headers.get("ETag");
console.log(`${text(city.name)} (${city.country}, ${city.section}): ${city.cop_role ?? "no role"} in the Community of Practice, ETag ${etag}`);
check(etag !== null, "get-city sent no ETag");

// Revalidate: with the ETag held, the server answers 304 Not Modified, without a body.
const again = await client.GET("/v1/cities/{slug}", {
  params: { path: { slug }, header: { "If-None-Match": etag ?? "" } },
});
console.log(`revalidated with If-None-Match: ${again.response.status}`);
check(again.response.status === 304, `revalidation answered ${again.response.status}, not 304`);

/** Stops the program when a request failed, with the API's problem document. */
function fail(operation: string, response: Response, problem?: Problem): never {
  console.error(`${operation}: ${response.status} ${problem?.title ?? ""}: ${problem?.detail ?? ""}`);
  process.exit(1);
}

/** Stops the program when something is not as the contract says. */
function check(ok: boolean, message: string): void {
  if (!ok) {
    console.error(`list-cities example: ${message}`);
    process.exit(1);
  }
}
