/** What a spreadsheet reads as the start of a formula (OWASP, CSV injection): = + - @, tab, carriage return. */
const FORMULA_START = /^[=+\-@\t\r]/;
/** A plain number, E.164 phone numbers (+14155550123) among them: a spreadsheet reads it as that number, never as a call. */
const PLAIN_NUMBER = /^[+-]?\d+(\.\d+)?$/;

/**
 * A text cell as a CSV file may hold it: one a spreadsheet would run as a formula gets a leading
 * `'`, which makes it text (OWASP's CSV-injection advice). Plain numbers stay readable as they are.
 * Every CSV Kinship writes for people (crm's exports, reporting's reports) casts its strings with it.
 */
export function csvText(value: string): string {
  return FORMULA_START.test(value) && !PLAIN_NUMBER.test(value) ? `'${value}` : value;
}
