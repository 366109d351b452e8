import { describe, expect, it } from '@jest/globals';
import { subjectFor } from './event-envelope.js';
import { deadLetterStreamName, deadLetterSubject, eventStreamName } from './stream.js';
import { messagingTablesSql } from './outbox.js';

describe('event naming', () => {
  it('builds subjects as <namespace>events.<service>.<aggregate>.<event>', () => {
    expect(subjectFor('', 'crm', 'deal.stage_changed')).toBe('events.crm.deal.stage_changed');
    expect(subjectFor('t_ab12.', 'crm', 'contact.created')).toBe('t_ab12.events.crm.contact.created');
  });

  it('rejects types, services and namespaces that would break the subject hierarchy', () => {
    expect(() => subjectFor('', 'crm', 'created')).toThrow('<aggregate>.<event>');
    expect(() => subjectFor('', 'crm', 'contact.*')).toThrow('<aggregate>.<event>');
    expect(() => subjectFor('', 'crm', 'contact.created.again')).toThrow('<aggregate>.<event>');
    expect(() => subjectFor('', 'c.rm', 'contact.created')).toThrow('service name');
    expect(() => subjectFor('t_ab12', 'crm', 'contact.created')).toThrow('namespace');
  });

  it('names streams after the namespace, without its dots', () => {
    expect(eventStreamName('')).toBe('KINSHIP_EVENTS');
    expect(eventStreamName('t_ab12.')).toBe('t_ab12_KINSHIP_EVENTS');
    expect(deadLetterStreamName('t_ab12.')).toBe('t_ab12_KINSHIP_DEADLETTER');
    expect(deadLetterSubject('t_ab12.', 'notifications-auth-events')).toBe('t_ab12.deadletter.notifications-auth-events');
    expect(() => deadLetterSubject('', 'bad.name')).toThrow('durable consumer name');
  });

  it('only builds table DDL for a safe schema name', () => {
    const { up, down } = messagingTablesSql('crm');
    expect(up.join('\n')).toContain('CREATE TABLE "crm".outbox');
    expect(down).toEqual(['DROP TABLE "crm".inbox', 'DROP TABLE "crm".outbox']);
    expect(() => messagingTablesSql('crm; DROP TABLE x')).toThrow('not a safe SQL identifier');
  });
});
