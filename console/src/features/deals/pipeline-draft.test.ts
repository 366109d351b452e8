import { describe, expect, it } from 'vitest';
import type { Pipeline } from './deals-api';
import { draftOf, newStage, stageIssues, stagesBody } from './pipeline-draft';

const pipeline = {
  stages: [
    { id: 's2', name: 'Won', probability: 100, position: 2, kind: 'won' },
    { id: 's1', name: 'Lead', probability: 10, position: 1, kind: 'open' },
  ],
} as unknown as Pipeline;

describe('pipeline drafts', () => {
  it('edits the stages in their order and sends the whole board, new stages without an id', () => {
    const draft = [newStage('Demo'), ...draftOf(pipeline)];
    expect(draft.map((stage) => stage.name)).toEqual(['Demo', 'Lead', 'Won']);
    draft[0]!.probability = '40';
    expect(stagesBody(draft)).toEqual([
      { name: 'Demo', probability: 40, kind: 'open' },
      { id: 's1', name: 'Lead', probability: 10, kind: 'open' },
      { id: 's2', name: 'Won', probability: 100, kind: 'won' },
    ]);
  });

  it('sends a probability that is not a whole number as typed, and puts the API’s issue back on that stage', () => {
    const draft = draftOf(pipeline);
    draft[1]!.probability = 'high';
    expect(stagesBody(draft)[1]!.probability).toBe('high');
    expect(
      stageIssues(
        [
          { field: 'stages.1.probability', issue: 'must be a whole number from 0 to 100' },
          { field: 'name', issue: 'x' },
        ],
        draft,
      ),
    ).toEqual({
      's2.probability': 'must be a whole number from 0 to 100',
    });
  });
});
