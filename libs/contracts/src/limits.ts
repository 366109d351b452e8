// Limits every operation shares, defined once (issue 11: "shared enums and limits live once").

/** Names of people, records and workspaces. */
export const NAME_MAX = 200;
/** A list page when `limit` is absent, and the largest `limit` (API.md "Lists"). */
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 500;
