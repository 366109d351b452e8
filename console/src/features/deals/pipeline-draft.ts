import type { components } from '../../api/schema';
import type { Pipeline } from './deals-api';

type StageBody = components['schemas']['StageBody'];

/** A stage being edited: `key` names it in the list (its id, or a new one's own key until saved). */
export interface DraftStage {
  key: string;
  id?: string;
  name: string;
  probability: string;
  kind: StageBody['kind'];
}

let created = 0;

export function draftOf(pipeline: Pipeline): DraftStage[] {
  return [...pipeline.stages]
    .sort((a, b) => a.position - b.position)
    .map((stage) => ({ key: stage.id, id: stage.id, name: stage.name, probability: String(stage.probability), kind: stage.kind }));
}

export function newStage(name: string): DraftStage {
  created += 1;
  return { key: `new-${created}`, name, probability: '0', kind: 'open' };
}

/**
 * The PATCH body's stages: the whole board in its new order (stages with id are kept and moved,
 * without one added, left out removed). A probability that is not a whole number goes as typed,
 * so the API names it at its input (`stages.N.probability`).
 */
export function stagesBody(stages: readonly DraftStage[]): StageBody[] {
  return stages.map((stage) => {
    const text = stage.probability.trim();
    const probability = /^-?\d+$/.test(text) ? Number(text) : (text as unknown as number);
    return { ...(stage.id ? { id: stage.id } : {}), name: stage.name.trim(), probability, kind: stage.kind };
  });
}

/** The API's issues on `stages.N.<field>`, by the stage's key and field. */
export function stageIssues(details: ReadonlyArray<{ field?: string; issue?: string }>, stages: readonly DraftStage[]): Record<string, string> {
  const issues: Record<string, string> = {};
  for (const detail of details) {
    const match = /^stages\.(\d+)\.(\w+)$/.exec(detail.field ?? '');
    const stage = match ? stages[Number(match[1])] : undefined;
    if (stage && detail.issue) issues[`${stage.key}.${match![2]}`] = detail.issue;
  }
  return issues;
}
