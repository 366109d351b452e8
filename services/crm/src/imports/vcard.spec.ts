import { describe, expect, it } from '@jest/globals';
import { readVcards, VCARD_COLUMNS, vcardRow, type Vcard } from './vcard.js';

async function cards(text: string, chunkSize = 5): Promise<Vcard[]> {
  async function* chunks() {
    for (let index = 0; index < text.length; index += chunkSize) yield text.slice(index, index + chunkSize);
  }
  const read: Vcard[] = [];
  for await (const card of readVcards(chunks())) read.push(card);
  return read;
}

/** A row as column → cell, the empty cells left out. */
function row(card: Vcard): Record<string, string> {
  const cells = vcardRow(card);
  return Object.fromEntries(VCARD_COLUMNS.map((column, index): [string, string] => [column, cells[index]!]).filter(([, cell]) => cell !== ''));
}

describe('vCard', () => {
  it('reads 3.0: folded lines, escapes, several emails and phones with their TYPE as label, PREF first', async () => {
    const [card] = await cards(
      [
        'BEGIN:VCARD',
        'VERSION:3.0',
        'FN:Ada Lovelace',
        'N:Lovelace;Ada;;;',
        'ORG:Analytical Engines\\, Ltd;Research',
        'TITLE:Countess',
        'EMAIL;TYPE=INTERNET,HOME:ada@home.example',
        'EMAIL;TYPE=INTERNET,WORK,PREF:ada@work.exa',
        ' mple',
        'TEL;TYPE=CELL:+44 7700 900123',
        'TEL;TYPE=WORK,VOICE:+44 20 7946 0018',
        'ADR;TYPE=WORK:;Floor 2;12 St James\\; Square;London;;SW1Y 4JH;United Kingdom',
        'URL:https://ada.example.com',
        'URL:https://www.linkedin.com/in/ada',
        'BDAY:18151210',
        'NOTE:First line\\nsecond line',
        'END:VCARD',
      ].join('\r\n'),
    );
    expect(card!.line).toBe(1);
    expect(row(card!)).toEqual({
      'Full Name': 'Ada Lovelace',
      'First Name': 'Ada',
      'Last Name': 'Lovelace',
      Organization: 'Analytical Engines, Ltd',
      Title: 'Countess',
      Street: '12 St James; Square',
      'Address 2': 'Floor 2',
      City: 'London',
      'Postal Code': 'SW1Y 4JH',
      Country: 'United Kingdom',
      Website: 'https://ada.example.com',
      LinkedIn: 'https://www.linkedin.com/in/ada',
      Birthday: '1815-12-10',
      Note: 'First line\nsecond line',
      'Email 1': 'ada@work.example',
      'Email 1 - Type': 'work',
      'Email 2': 'ada@home.example',
      'Email 2 - Type': 'home',
      'Phone 1': '+44 7700 900123',
      'Phone 1 - Type': 'mobile',
      'Phone 2': '+44 20 7946 0018',
      'Phone 2 - Type': 'work',
    });
  });

  it('reads 2.1: bare TYPE parameters and quoted-printable UTF-8 with soft line breaks', async () => {
    const [card] = await cards(
      [
        'BEGIN:VCARD',
        'VERSION:2.1',
        'N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C3=9Cnal;Zo=C3=AB',
        'FN;ENCODING=QUOTED-PRINTABLE:Zo=C3=AB =',
        '=C3=9Cnal',
        'TEL;WORK;VOICE:+1-415-555-0100',
        'EMAIL;INTERNET:zoe@example.com',
        'END:VCARD',
        '',
      ].join('\n'),
      3,
    );
    expect(row(card!)).toMatchObject({
      'Full Name': 'Zoë Ünal',
      'First Name': 'Zoë',
      'Last Name': 'Ünal',
      'Phone 1': '+1-415-555-0100',
      'Phone 1 - Type': 'work',
      'Email 1': 'zoe@example.com',
    });
    expect(row(card!)['Email 1 - Type']).toBeUndefined();
  });

  it('reads 4.0: tel: and mailto: URIs, PREF=1, quoted parameter values; several cards with their lines; text outside cards ignored', async () => {
    const read = await cards(
      [
        'stray text',
        'BEGIN:VCARD',
        'VERSION:4.0',
        'FN:Grace Hopper',
        'TEL;VALUE=uri;TYPE="voice,home":tel:+1-202-555-0101',
        'TEL;VALUE=uri;PREF=1;TYPE="cell":tel:+1-202-555-0102',
        'EMAIL:mailto:grace@example.com',
        'BDAY:--1209',
        'END:VCARD',
        'BEGIN:VCARD',
        'VERSION:4.0',
        'FN:Second',
        'item1.EMAIL;TYPE=work:second@example.com',
        'END:VCARD',
      ].join('\r\n'),
    );
    expect(read.map((card) => card.line)).toEqual([2, 10]);
    expect(row(read[0]!)).toMatchObject({
      'Phone 1': '+1-202-555-0102',
      'Phone 1 - Type': 'mobile',
      'Phone 2': '+1-202-555-0101',
      'Phone 2 - Type': 'home',
      'Email 1': 'grace@example.com',
      Birthday: '--1209',
    });
    expect(row(read[1]!)).toMatchObject({ 'Email 1': 'second@example.com', 'Email 1 - Type': 'work' });
  });

  it('puts values beyond the fifth into the fifth slot, separated by semicolons', async () => {
    const emails = Array.from({ length: 7 }, (_unused, index) => `EMAIL:e${index}@example.com`);
    const [card] = await cards(['BEGIN:VCARD', 'VERSION:3.0', ...emails, 'END:VCARD'].join('\n'));
    expect(row(card!)['Email 5']).toBe('e4@example.com;e5@example.com;e6@example.com');
  });

  it('yields nothing for a card without END, and skips lines without a colon', async () => {
    expect(await cards('BEGIN:VCARD\nVERSION:3.0\nFN:Cut short\n')).toEqual([]);
    const [card] = await cards('BEGIN:VCARD\nnonsense\nFN:Kept\nEND:VCARD\n');
    expect(row(card!)).toEqual({ 'Full Name': 'Kept' });
  });
});
