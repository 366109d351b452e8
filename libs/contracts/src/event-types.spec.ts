import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { EVENT_TYPES } from './event-types.js';

const kinshipProto = new URL('../../../proto/kinship/', import.meta.url);

interface DeclaredEvent {
  type: string;
  subject: string;
  service: string;
  payload: string;
}

/** The events each proto file declares: a `// type: x, subject: y` comment above `message Name`. */
function eventsInProto(): DeclaredEvent[] {
  const found: DeclaredEvent[] = [];
  for (const service of readdirSync(kinshipProto)) {
    if (service === 'common') continue;
    const source = readFileSync(new URL(`${service}/v1/events.proto`, kinshipProto), 'utf8');
    for (const [, type, subject, payload] of source.matchAll(/^\/\/ type: (\S+), subject: (\S+)\n(?:\/\/.*\n)*message (\w+)/gm)) {
      found.push({ type, subject, service, payload });
    }
  }
  return found;
}

describe('EVENT_TYPES', () => {
  const declared = eventsInProto();

  it('lists exactly the events the proto files declare, with their service and payload', () => {
    const fromProto = Object.fromEntries(declared.map(({ type, service, payload }) => [type, { service, payload }]));
    expect(Object.keys(fromProto)).toHaveLength(declared.length); // no type declared twice
    expect(EVENT_TYPES).toEqual(fromProto);
  });

  it('names each subject events.<service>.<type>', () => {
    for (const { type, subject, service } of declared) expect(subject).toBe(`events.${service}.${type}`);
  });

  it('gives each type, in EventPayloads, the payload interface of its service that EVENT_TYPES names', () => {
    // A type-level map the compiler cannot check by name: read from its source, `'type': <Service>Events.<Payload>;`.
    const source = readFileSync(new URL('./event-types.ts', import.meta.url), 'utf8');
    const payloads = source.slice(source.indexOf('export type EventPayloads'));
    const mapped = Object.fromEntries(
      [...payloads.matchAll(/^ {2}'([a-z_.]+)': ([A-Z][a-z]+)Events\.(\w+);$/gm)].map(([, type, service, payload]) => [
        type,
        { service: service.toLowerCase(), payload },
      ]),
    );
    expect(mapped).toEqual(EVENT_TYPES);
  });
});
