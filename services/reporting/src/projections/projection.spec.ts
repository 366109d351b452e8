import { describe, expect, it } from '@jest/globals';
import { layersWithoutRepeats } from './projection.js';

const key = (change: string) => [change.split(':')[0]!];

describe('layersWithoutRepeats', () => {
  it('puts the n-th change of each entity into the n-th layer, so no layer holds an entity twice and each keeps its order', () => {
    expect(layersWithoutRepeats(['a:created', 'b:created', 'a:updated', 'c:created', 'a:deleted', 'b:updated'], key)).toEqual([
      ['a:created', 'b:created', 'c:created'],
      ['a:updated', 'b:updated'],
      ['a:deleted'],
    ]);
  });

  it('orders an event with several keys after the last earlier event of any of them', () => {
    const keys = (event: { id: string; keys: string[] }) => event.keys;
    const events = [
      { id: '1', keys: ['a'] },
      { id: '2', keys: ['a'] },
      { id: '3', keys: ['b', 'a'] },
      { id: '4', keys: ['b'] },
      { id: '5', keys: ['c'] },
    ];
    expect(layersWithoutRepeats(events, keys).map((layer) => layer.map((event) => event.id))).toEqual([['1', '5'], ['2'], ['3'], ['4']]);
  });

  it('gives one layer when nothing repeats, and none for no events', () => {
    expect(layersWithoutRepeats(['a:x', 'b:x'], key)).toEqual([['a:x', 'b:x']]);
    expect(layersWithoutRepeats([], key)).toEqual([]);
  });
});
