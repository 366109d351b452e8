import { normaliseLabel } from './column-mapping.js';

/** One property of a card: `[group.]NAME;PARAM=…:value`, unfolded and decoded. */
export interface VcardProperty {
  name: string;
  params: Map<string, string[]>;
  value: string;
}

export interface Vcard {
  /** Line of its BEGIN:VCARD in the file (line 1 is the first). */
  line: number;
  properties: VcardProperty[];
}

/** Slots per kind in the row a card becomes; values beyond the last slot share it (its cell holds them separated by `;`). */
const SLOTS = 5;

/**
 * The header of the rows cards become, spelled as the export headers the column mapping knows,
 * so vCards run through the same mapping, row checks, merge and undo as a CSV.
 */
export const VCARD_COLUMNS = [
  'Full Name',
  'First Name',
  'Last Name',
  'Organization',
  'Title',
  'Street',
  'Address 2',
  'City',
  'Region',
  'Postal Code',
  'Country',
  'Website',
  'LinkedIn',
  'Birthday',
  'Note',
  ...Array.from({ length: SLOTS }, (_unused, index) => [`Email ${index + 1}`, `Email ${index + 1} - Type`]).flat(),
  ...Array.from({ length: SLOTS }, (_unused, index) => [`Phone ${index + 1}`, `Phone ${index + 1} - Type`]).flat(),
];
const COLUMN = new Map(VCARD_COLUMNS.map((column, index) => [column, index]));

/** TYPE values that say nothing about whose address or number it is. */
const NEUTRAL_TYPES = new Set(['internet', 'voice', 'pref', 'x400', 'msg', 'text', 'uri', 'textphone']);

/** Splits on a separator not escaped by a backslash (structured values of N, ADR, ORG). */
function splitUnescaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let index = 0; index < text.length; index++) {
    const character = text[index]!;
    if (character === '\\' && index + 1 < text.length) {
      current += character + text[index + 1];
      index++;
    } else if (character === separator) {
      parts.push(current);
      current = '';
    } else current += character;
  }
  parts.push(current);
  return parts;
}

/** RFC 6350 §3.4 escapes: \n \N newline, \, \; \\ themselves. */
function unescapeText(text: string): string {
  return text.replace(/\\([nN,;:\\])/g, (_match, character: string) => (character === 'n' || character === 'N' ? '\n' : character));
}

function decodeQuotedPrintable(text: string, charset: string): string {
  const bytes: number[] = [];
  for (let index = 0; index < text.length; index++) {
    const character = text[index]!;
    if (character === '=' && /^[0-9A-Fa-f]{2}$/.test(text.slice(index + 1, index + 3))) {
      bytes.push(parseInt(text.slice(index + 1, index + 3), 16));
      index += 2;
    } else for (const byte of Buffer.from(character, 'utf8')) bytes.push(byte);
  }
  try {
    return new TextDecoder(charset).decode(Uint8Array.from(bytes));
  } catch {
    // A charset Node does not know: UTF-8, what most 2.1 writers use anyway.
    return new TextDecoder('utf-8').decode(Uint8Array.from(bytes));
  }
}

/** Reads a parameter list: `TYPE=WORK,VOICE`, `TYPE="work,cell"`, vCard 2.1's bare `WORK;PREF`. */
function parseParams(parts: string[]): Map<string, string[]> {
  const params = new Map<string, string[]>();
  for (const part of parts) {
    const equals = part.indexOf('=');
    const [key, raw] = equals === -1 ? ['TYPE', part] : [part.slice(0, equals).toUpperCase(), part.slice(equals + 1)];
    const values = raw
      .replace(/^"|"$/g, '')
      .split(',')
      .map((value) => value.trim())
      .filter(Boolean);
    params.set(key, [...(params.get(key) ?? []), ...values]);
  }
  return params;
}

/** Splits a logical line at its first colon outside a quoted parameter value. */
function parseLine(line: string): VcardProperty | null {
  let quoted = false;
  let colon = -1;
  for (let index = 0; index < line.length; index++) {
    if (line[index] === '"') quoted = !quoted;
    else if (line[index] === ':' && !quoted) {
      colon = index;
      break;
    }
  }
  if (colon === -1) return null;
  const [nameWithGroup, ...paramParts] = line.slice(0, colon).split(';');
  const name = nameWithGroup!.slice(nameWithGroup!.lastIndexOf('.') + 1).toUpperCase();
  const params = parseParams(paramParts);
  let value = line.slice(colon + 1);
  const encoding = params.get('ENCODING')?.[0]?.toUpperCase();
  if (encoding === 'QUOTED-PRINTABLE' || params.get('TYPE')?.some((type) => type.toUpperCase() === 'QUOTED-PRINTABLE'))
    value = decodeQuotedPrintable(value, params.get('CHARSET')?.[0] ?? 'utf-8');
  return { name, params, value };
}

function isQuotedPrintable(line: string): boolean {
  const colon = line.indexOf(':');
  return colon !== -1 && /QUOTED-PRINTABLE/i.test(line.slice(0, colon));
}

/**
 * The cards of a vCard file (2.1, 3.0, 4.0), one at a time from the decoded text: folded lines
 * (a line starting with a space or tab continues the previous one) are joined, and so are
 * quoted-printable soft line breaks (a line ending in `=`). Lines outside BEGIN/END are ignored.
 */
export async function* readVcards(text: AsyncIterable<string>): AsyncGenerator<Vcard> {
  let physical = 0;
  let logical: { text: string; line: number } | null = null;
  const state: { card: Vcard | null } = { card: null };
  function* complete(line: { text: string; line: number }): Generator<Vcard> {
    const property = parseLine(line.text);
    if (!property) return;
    const isCardValue = property.value.trim().toUpperCase() === 'VCARD';
    if (property.name === 'BEGIN' && isCardValue) state.card = { line: line.line, properties: [] };
    else if (property.name === 'END' && isCardValue) {
      if (state.card) yield state.card;
      state.card = null;
    } else state.card?.properties.push(property);
  }
  function* take(physicalLine: string): Generator<Vcard> {
    physical++;
    if (logical && /^[ \t]/.test(physicalLine)) logical.text += physicalLine.slice(1);
    else if (logical && isQuotedPrintable(logical.text) && logical.text.endsWith('=')) logical.text = logical.text.slice(0, -1) + physicalLine;
    else {
      if (logical) yield* complete(logical);
      logical = { text: physicalLine, line: physical };
    }
  }
  let rest = '';
  for await (const chunk of text) {
    rest += chunk;
    // A \r at the end of a chunk may be the first half of a \r\n: it waits for the next chunk.
    const end = rest.endsWith('\r') ? rest.length - 1 : rest.length;
    const lines = rest.slice(0, end).split(/\r\n|\n|\r/);
    // The last piece is a line the chunk may have cut: it waits too.
    rest = lines.pop()! + rest.slice(end);
    for (const physicalLine of lines) yield* take(physicalLine);
  }
  if (rest.replace(/[\r\n]+$/, '')) yield* take(rest.replace(/[\r\n]+$/, ''));
  if (logical) yield* complete(logical);
}

/** BDAY as a calendar date: 19850415, 1985-04-15 or a timestamp; anything else (`--0415`, text) is passed on for the row check to refuse. */
function birthday(value: string): string {
  const compact = /^(\d{4})(\d{2})(\d{2})(?:T.*)?$/.exec(value);
  return compact ? `${compact[1]}-${compact[2]}-${compact[3]}` : value;
}

function typesOf(property: VcardProperty): string[] {
  return (property.params.get('TYPE') ?? []).map((type) => type.toLowerCase());
}

function isPreferred(property: VcardProperty): boolean {
  return typesOf(property).includes('pref') || property.params.has('PREF');
}

/** The preferred ones first (vCard's PREF), else in file order. */
function preferredFirst(properties: VcardProperty[]): VcardProperty[] {
  return [...properties.filter(isPreferred), ...properties.filter((property) => !isPreferred(property))];
}

function labelOf(property: VcardProperty): string {
  const type = typesOf(property).find((candidate) => !NEUTRAL_TYPES.has(candidate) && candidate !== 'quoted-printable' && !candidate.startsWith('x-'));
  return type ? (normaliseLabel(type) ?? '') : '';
}

/** A card as a row of VCARD_COLUMNS' cells. */
export function vcardRow(card: Vcard): string[] {
  const cells = VCARD_COLUMNS.map(() => '');
  const set = (column: string, value: string | undefined) => {
    if (value !== undefined && value.trim() !== '' && cells[COLUMN.get(column)!] === '') cells[COLUMN.get(column)!] = value.trim();
  };
  const all = (name: string) => card.properties.filter((property) => property.name === name);
  const first = (name: string) => preferredFirst(all(name))[0];
  set('Full Name', first('FN') && unescapeText(first('FN')!.value));
  const name = first('N');
  if (name) {
    const [family, given] = splitUnescaped(name.value, ';').map(unescapeText);
    set('Last Name', family);
    set('First Name', given);
  }
  const organization = first('ORG');
  if (organization) set('Organization', unescapeText(splitUnescaped(organization.value, ';')[0]!));
  set('Title', first('TITLE') && unescapeText(first('TITLE')!.value));
  const address = first('ADR');
  if (address) {
    const [poBox, extended, street, locality, region, postalCode, country] = splitUnescaped(address.value, ';').map(unescapeText);
    set('Street', street?.replace(/\n/g, ', '));
    set('Address 2', [extended, poBox].filter((part) => part?.trim()).join(', '));
    set('City', locality);
    set('Region', region);
    set('Postal Code', postalCode);
    set('Country', country);
  }
  for (const url of all('URL')) {
    const value = unescapeText(url.value).trim();
    set(/^(https?:\/\/)?([a-z]+\.)?linkedin\.com\//i.test(value) ? 'LinkedIn' : 'Website', value);
  }
  set('Birthday', first('BDAY') && birthday(first('BDAY')!.value.trim()));
  set(
    'Note',
    all('NOTE')
      .map((note) => unescapeText(note.value))
      .join('\n'),
  );
  const slots = (kind: 'Email' | 'Phone', properties: VcardProperty[], valueOf: (property: VcardProperty) => string) => {
    preferredFirst(properties).forEach((property, index) => {
      const slot = Math.min(index, SLOTS - 1) + 1;
      const value = valueOf(property).trim();
      if (!value) return;
      const cell = COLUMN.get(`${kind} ${slot}`)!;
      cells[cell] = cells[cell] ? `${cells[cell]};${value}` : value;
      if (!cells[cell + 1]) cells[cell + 1] = labelOf(property);
    });
  };
  slots('Email', all('EMAIL'), (property) => unescapeText(property.value).replace(/^mailto:/i, ''));
  slots('Phone', all('TEL'), (property) => unescapeText(property.value).replace(/^tel:/i, ''));
  return cells;
}
