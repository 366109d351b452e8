import { closestCenter, DndContext, KeyboardSensor, PointerSensor, useSensor, useSensors, type DragEndEvent } from '@dnd-kit/core';
import { arrayMove, SortableContext, sortableKeyboardCoordinates, useSortable, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { ActionIcon, Button, Group, Paper, Select, Stack, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Loading } from '../../components/Loading';
import { RecordHeader } from '../../components/RecordHeader';
import { api } from '../../lib/api';
import { ApiError, messageOf, unwrap } from '../../lib/api-error';
import { t } from './i18n';
import { useCan } from '../../lib/me';
import { type Pipeline, usePipelines } from './deals-api';
import { draftOf, newStage, stageIssues, stagesBody, type DraftStage } from './pipeline-draft';

const KINDS = ['open', 'won', 'lost'] as const;

/** The pipeline editor: stages added, renamed, reordered by drag (or keyboard), their probability and kind; saved as one board. */
export function Component() {
  const [params, setParams] = useSearchParams();
  const pipelines = usePipelines();
  if (pipelines.isPending) return <Loading />;
  if (pipelines.isError) return <ErrorAlert error={pipelines.error} />;
  const pipeline = pipelines.data.data.find((p) => p.id === params.get('pipelineId')) ?? pipelines.data.data.find((p) => p.isDefault) ?? pipelines.data.data[0];
  return (
    <Stack>
      <RecordHeader backTo={`/deals${pipeline ? `?pipelineId=${pipeline.id}` : ''}`} backLabel={t('nav.deals')} title={t('pipelines.title')}>
        <Select
          label={t('deals.pipeline')}
          data={pipelines.data.data.map((p) => ({ value: p.id, label: p.name }))}
          value={pipeline?.id ?? null}
          allowDeselect={false}
          onChange={(id) => id && setParams({ pipelineId: id })}
        />
      </RecordHeader>
      {pipeline && <PipelineForm key={`${pipeline.id}:${pipeline.updatedAt}`} pipeline={pipeline} />}
    </Stack>
  );
}

function PipelineForm({ pipeline }: { pipeline: Pipeline }) {
  const queryClient = useQueryClient();
  const canWrite = useCan('pipelines:write');
  const [name, setName] = useState(pipeline.name);
  const [stages, setStages] = useState<DraftStage[]>(() => draftOf(pipeline));
  const [issues, setIssues] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 5 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );

  const change = (key: string, patch: Partial<DraftStage>) =>
    setStages((current) => current.map((stage) => (stage.key === key ? { ...stage, ...patch } : stage)));
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (!over || active.id === over.id) return;
    setStages((current) =>
      arrayMove(
        current,
        current.findIndex((stage) => stage.key === active.id),
        current.findIndex((stage) => stage.key === over.id),
      ),
    );
  };
  const save = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setIssues({});
    setFormError(null);
    try {
      await unwrap(api.PATCH('/api/v1/pipelines/{id}', { params: { path: { id: pipeline.id } }, body: { name: name.trim(), stages: stagesBody(stages) } }));
      await queryClient.invalidateQueries({ queryKey: ['pipelines'] });
      notifications.show({ color: 'green', message: t('pipelines.saved', { name: name.trim() }) });
    } catch (failure) {
      const placed = failure instanceof ApiError ? stageIssues(failure.details, stages) : {};
      if (failure instanceof ApiError && failure.fieldIssue('name')) placed['pipeline.name'] = failure.fieldIssue('name')!;
      setIssues(placed);
      if (Object.keys(placed).length === 0) setFormError(messageOf(failure));
    } finally {
      setSaving(false);
    }
  };

  return (
    <form onSubmit={save} noValidate>
      <Stack maw={760}>
        {formError && <ErrorAlert error={new Error(formError)} />}
        <TextInput
          label={t('pipelines.name')}
          value={name}
          onChange={(event) => setName(event.currentTarget.value)}
          error={issues['pipeline.name']}
          disabled={!canWrite}
        />
        <DndContext sensors={sensors} collisionDetection={closestCenter} onDragEnd={onDragEnd}>
          <SortableContext items={stages.map((stage) => stage.key)} strategy={verticalListSortingStrategy}>
            <Stack gap="xs" role="list" aria-label={t('pipelines.stages')}>
              {stages.map((stage, index) => (
                <StageRow
                  key={stage.key}
                  stage={stage}
                  position={index + 1}
                  issues={issues}
                  disabled={!canWrite}
                  onChange={(patch) => change(stage.key, patch)}
                  onRemove={() => setStages((current) => current.filter((other) => other.key !== stage.key))}
                />
              ))}
            </Stack>
          </SortableContext>
        </DndContext>
        {canWrite && (
          <Group justify="space-between">
            <Button variant="default" onClick={() => setStages((current) => [...current, newStage(t('pipelines.newStage'))])}>
              {t('pipelines.addStage')}
            </Button>
            <Button type="submit" loading={saving}>
              {t('pipelines.save')}
            </Button>
          </Group>
        )}
      </Stack>
    </form>
  );
}

function StageRow({
  stage,
  position,
  issues,
  disabled,
  onChange,
  onRemove,
}: {
  stage: DraftStage;
  position: number;
  issues: Record<string, string>;
  disabled: boolean;
  onChange: (patch: Partial<DraftStage>) => void;
  onRemove: () => void;
}) {
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition } = useSortable({ id: stage.key, disabled });
  return (
    <Paper
      ref={setNodeRef}
      withBorder
      p="xs"
      role="listitem"
      data-stage-row={stage.name}
      style={{ transform: transform ? `translate3d(${transform.x}px, ${transform.y}px, 0)` : undefined, transition }}
    >
      <Group align="start" wrap="nowrap" gap="xs">
        <ActionIcon
          ref={setActivatorNodeRef}
          variant="subtle"
          mt={26}
          {...attributes}
          {...listeners}
          aria-label={t('pipelines.drag', { name: stage.name, position })}
          style={{ cursor: 'grab', touchAction: 'none' }}
        >
          ⠿
        </ActionIcon>
        <TextInput
          label={t('pipelines.stageName', { position })}
          value={stage.name}
          onChange={(event) => onChange({ name: event.currentTarget.value })}
          error={issues[`${stage.key}.name`]}
          disabled={disabled}
          style={{ flex: 2 }}
        />
        <TextInput
          label={t('pipelines.probability', { position })}
          inputMode="numeric"
          value={stage.probability}
          onChange={(event) => onChange({ probability: event.currentTarget.value })}
          error={issues[`${stage.key}.probability`]}
          disabled={disabled}
          w={140}
        />
        <Select
          label={t('pipelines.kind', { position })}
          data={KINDS.map((kind) => ({ value: kind, label: t(`pipelines.kind.${kind}`) }))}
          value={stage.kind}
          allowDeselect={false}
          onChange={(kind) => kind && onChange({ kind: kind as DraftStage['kind'] })}
          error={issues[`${stage.key}.kind`] ?? issues[`${stage.key}.id`]}
          disabled={disabled}
          w={120}
        />
        {!disabled && (
          <ActionIcon variant="subtle" color="red" mt={26} onClick={onRemove} aria-label={t('pipelines.remove', { name: stage.name })}>
            ✕
          </ActionIcon>
        )}
      </Group>
    </Paper>
  );
}
