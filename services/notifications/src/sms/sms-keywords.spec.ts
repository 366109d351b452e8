import { describe, expect, it } from '@jest/globals';
import { inboundKind } from './sms-keywords.js';

describe('inboundKind', () => {
  it('reads every opt-out keyword in any case, trimmed', () => {
    for (const body of ['STOP', 'stop', ' Stop\n', 'STOPALL', 'unsubscribe', 'Cancel', 'END', 'quit']) expect(inboundKind(body)).toBe('stop');
  });

  it('reads START and UNSTOP as opting back in, HELP as help', () => {
    expect(inboundKind('start')).toBe('start');
    expect(inboundKind(' UNSTOP ')).toBe('start');
    expect(inboundKind('Help')).toBe('help');
  });

  it('takes a keyword inside a sentence, or an empty text, as a message', () => {
    for (const body of ['stop texting me', 'STOP!', 'please help', '', 'S T O P']) expect(inboundKind(body)).toBe('message');
  });
});
