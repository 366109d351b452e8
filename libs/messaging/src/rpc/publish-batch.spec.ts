import { setImmediate as nextCheckPhase } from 'node:timers/promises';
import { describe, expect, it } from '@jest/globals';
import { PublishBatch } from './publish-batch.js';

describe('PublishBatch', () => {
  it('holds the publishes of one turn until the check phase, then makes them together in order', async () => {
    const batch = new PublishBatch();
    const made: string[] = [];
    batch.add(() => made.push('a'));
    await Promise.resolve();
    batch.add(() => made.push('b'));
    // Microtasks (when the nats client writes its buffer) pass without a publish made.
    await Promise.resolve();
    expect(made).toEqual([]);
    await nextCheckPhase();
    expect(made).toEqual(['a', 'b']);
  });

  it('starts a new batch for publishes added after one was made', async () => {
    const batch = new PublishBatch();
    const made: string[] = [];
    batch.add(() => made.push('first'));
    await nextCheckPhase();
    batch.add(() => made.push('second'));
    expect(made).toEqual(['first']);
    await nextCheckPhase();
    expect(made).toEqual(['first', 'second']);
  });
});
