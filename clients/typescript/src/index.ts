/**
 * The typed client of the Digital Cities API.
 *
 * The types (schema.ts) are generated from the contract, openapi/openapi.yaml, by
 * openapi-typescript: `npm run generate` in this folder after `make openapi`. The requests are
 * made by openapi-fetch, so paths, parameters, bodies and responses are all checked by the
 * TypeScript compiler.
 */
import createClient, { type Client, type ClientOptions, type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema.js";

export type { components, operations, paths } from "./schema.js";

/** A schema of the contract by name, e.g. `Schema<"City">`. */
export type Schema<Name extends keyof components["schemas"]> = components["schemas"][Name];

/** The RFC 9457 problem document that every error response carries. */
export type Problem = components["schemas"]["Problem"];

/**
 * A text meant for people as answers give it: a string in the answer's language (`lang` or
 * Accept-Language; English where untranslated), or with `lang=all` the `{en, fr, es}` object.
 */
export type LocalizedText = components["schemas"]["LocalizedText"];

/**
 * The text to show: the string itself, or from an `{en, fr, es}` object (lang=all) the version in
 * `lang`, else the English one.
 */
export function text(t: LocalizedText, lang: "en" | "fr" | "es" = "en"): string {
  if (typeof t === "string") return t;
  return (lang !== "en" && t[lang]?.trim() ? t[lang] : undefined) ?? t.en;
}

/** The client: `GET`, `POST`, `PUT`, `PATCH` and `DELETE` typed by the contract. */
export type DigitalCitiesClient = Client<paths>;

/** Options of {@link createDigitalCitiesClient}: openapi-fetch's (baseUrl, fetch, headers, …) and a token. */
export interface DigitalCitiesClientOptions extends ClientOptions {
  /** An API token (`dcapi_…`), sent as `Authorization: Bearer`; reading published data needs none. */
  token?: string;
}

/**
 * Returns a client of the API at `options.baseUrl` (e.g. `https://api.example.org`; the paths of
 * the contract, such as `/v1/cities`, are appended to it).
 */
export function createDigitalCitiesClient(options: DigitalCitiesClientOptions = {}): DigitalCitiesClient {
  const { token, ...clientOptions } = options;
  const client = createClient<paths>(clientOptions);
  if (token) {
    const bearer: Middleware = {
      onRequest({ request }) {
        request.headers.set("Authorization", `Bearer ${token}`);
        return request;
      },
    };
    client.use(bearer);
  }
  return client;
}
