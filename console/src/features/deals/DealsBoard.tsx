import {
  DndContext,
  KeyboardSensor,
  PointerSensor,
  useDraggable,
  useDroppable,
  useSensor,
  useSensors,
  type Announcements,
  type DragEndEvent,
  type UniqueIdentifier,
} from '@dnd-kit/core';
import { Badge, Button, Group, Modal, Paper, ScrollArea, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type ReactNode } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Loading } from '../../components/Loading';
import { messageOf } from '../../lib/api-error';
import { formatMoney } from '../../lib/i18n';
import { t } from './i18n';
import { useCan } from '../../lib/me';
import { boardCoordinates } from './board-keyboard';
import { columnTotals, dealsApi, type Deal, type Stage, usePipelines } from './deals-api';
import { NewDealModal } from './NewDealModal';

/** The deals of one pipeline as a board: a column per stage, cards dragged between them. */
export function DealsBoard({ layout }: { layout: ReactNode }) {
  const [params, setParams] = useSearchParams();
  const queryClient = useQueryClient();
  const canWrite = useCan('deals:write');
  const canEditPipelines = useCan('pipelines:write');
  const pipelines = usePipelines();
  const pipeline =
    pipelines.data?.data.find((p) => p.id === params.get('pipelineId')) ?? pipelines.data?.data.find((p) => p.isDefault) ?? pipelines.data?.data[0];
  const deals = useQuery({ queryKey: ['deals', 'board', pipeline?.id], queryFn: () => dealsApi.board(pipeline!.id), enabled: !!pipeline });
  const [askLost, setAskLost] = useState<{ deal: Deal; stage: Stage } | null>(null);
  const [creating, setCreating] = useState(false);
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 5 } }),
    useSensor(KeyboardSensor, { coordinateGetter: boardCoordinates }),
  );

  const move = useMutation({
    mutationFn: ({ deal, stage, lostReason }: { deal: Deal; stage: Stage; lostReason?: string }) => dealsApi.move(deal.id, stage.id, lostReason),
    // The card moves at once; a refusal puts it back and says why.
    onMutate: async ({ deal, stage }) => {
      const key = ['deals', 'board', pipeline?.id];
      await queryClient.cancelQueries({ queryKey: key });
      const before = queryClient.getQueryData<Deal[]>(key);
      queryClient.setQueryData<Deal[]>(key, (current) => current?.map((d) => (d.id === deal.id ? { ...d, stageId: stage.id } : d)));
      return { before, key };
    },
    onError: (error, _variables, context) => {
      if (context) queryClient.setQueryData(context.key, context.before);
      notifications.show({ color: 'red', message: messageOf(error) });
    },
    onSuccess: (_deal, { deal, stage }) => notifications.show({ color: 'green', message: t('deals.moved', { name: deal.name, stage: stage.name }) }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['deals'] }),
  });

  const onDragEnd = ({ active, over }: DragEndEvent) => {
    const deal = deals.data?.find((d) => d.id === active.id);
    const stage = pipeline?.stages.find((s) => s.id === over?.id);
    if (!deal || !stage || deal.stageId === stage.id) return;
    if (stage.kind === 'lost') setAskLost({ deal, stage });
    else move.mutate({ deal, stage });
  };

  // What a screen reader hears while a card moves: the deal's and the stages' names, not their ids.
  const dealName = (id: UniqueIdentifier) => deals.data?.find((d) => d.id === id)?.name ?? '';
  const stageName = (id: UniqueIdentifier | undefined) => pipeline?.stages.find((s) => s.id === id)?.name ?? '';
  const announcements: Announcements = {
    onDragStart: ({ active }) => t('deals.pickedUp', { name: dealName(active.id) }),
    onDragOver: ({ active, over }) => (over ? t('deals.over', { name: dealName(active.id), stage: stageName(over.id) }) : undefined),
    onDragEnd: ({ active, over }) => (over ? t('deals.dropped', { name: dealName(active.id), stage: stageName(over.id) }) : undefined),
    onDragCancel: ({ active }) => t('deals.dragCancelled', { name: dealName(active.id) }),
  };

  if (pipelines.isPending) return <Loading />;
  if (pipelines.isError) return <ErrorAlert error={pipelines.error} />;
  const stages = [...(pipeline?.stages ?? [])].sort((a, b) => a.position - b.position);
  return (
    <Stack>
      <Group justify="space-between">
        <Group align="center">
          <Title order={1}>{t('nav.deals')}</Title>
          {layout}
        </Group>
        <Group align="end">
          <Select
            label={t('deals.pipeline')}
            data={pipelines.data.data.map((p) => ({ value: p.id, label: p.name }))}
            value={pipeline?.id ?? null}
            onChange={(id) => id && setParams({ pipelineId: id })}
            allowDeselect={false}
          />
          {canEditPipelines && (
            <Button component={Link} to={`/deals/pipelines${pipeline ? `?pipelineId=${pipeline.id}` : ''}`} variant="default">
              {t('pipelines.edit')}
            </Button>
          )}
          {canWrite && <Button onClick={() => setCreating(true)}>{t('deals.new')}</Button>}
        </Group>
      </Group>
      {deals.isError && <ErrorAlert error={deals.error} />}
      {deals.isPending ? (
        <Loading />
      ) : (
        <DndContext
          sensors={sensors}
          onDragEnd={onDragEnd}
          accessibility={{ announcements, screenReaderInstructions: { draggable: t('deals.dragInstructions') } }}
        >
          <ScrollArea type="auto">
            <Group align="start" wrap="nowrap" gap="sm" pb="sm">
              {stages.map((stage) => (
                <StageColumn key={stage.id} stage={stage} deals={(deals.data ?? []).filter((d) => d.stageId === stage.id)} draggable={canWrite} />
              ))}
            </Group>
          </ScrollArea>
        </DndContext>
      )}
      <LostReasonModal
        target={askLost}
        onCancel={() => setAskLost(null)}
        onConfirm={(lostReason) => {
          if (askLost) move.mutate({ ...askLost, lostReason });
          setAskLost(null);
        }}
      />
      {pipeline && <NewDealModal opened={creating} onClose={() => setCreating(false)} pipelineId={pipeline.id} />}
    </Stack>
  );
}

function StageColumn({ stage, deals, draggable }: { stage: Stage; deals: Deal[]; draggable: boolean }) {
  const { setNodeRef, isOver } = useDroppable({ id: stage.id });
  const totals = columnTotals(deals, stage.probability);
  return (
    <Paper
      ref={setNodeRef}
      withBorder
      p="xs"
      w={260}
      miw={260}
      role="region"
      aria-label={t('deals.column', { stage: stage.name })}
      data-stage={stage.name}
      bg={isOver ? 'var(--mantine-color-blue-light)' : undefined}
      style={{ minHeight: 300 }}
    >
      <Group justify="space-between" mb={4}>
        <Text fw={700}>{stage.name}</Text>
        <Badge variant="light">{deals.length}</Badge>
      </Group>
      {totals.map((total) => (
        <Text key={total.currency} size="xs" c="dimmed">
          {t('deals.total', { amount: formatMoney(total.amount, total.currency), weighted: formatMoney(total.weighted, total.currency) })}
        </Text>
      ))}
      <Stack gap="xs" mt="xs">
        {deals.map((deal) => (
          <DealCard key={deal.id} deal={deal} draggable={draggable} />
        ))}
      </Stack>
    </Paper>
  );
}

function DealCard({ deal, draggable }: { deal: Deal; draggable: boolean }) {
  const navigate = useNavigate();
  const { attributes, listeners, setNodeRef, transform, isDragging } = useDraggable({ id: deal.id, disabled: !draggable });
  // A click opens the deal; the click that ends a drag (the pointer moved) does not.
  const pressedAt = useRef<{ x: number; y: number } | null>(null);
  return (
    <Paper
      ref={setNodeRef}
      withBorder
      p="xs"
      shadow={isDragging ? 'md' : 'xs'}
      data-deal={deal.name}
      style={{
        transform: transform ? `translate3d(${transform.x}px, ${transform.y}px, 0)` : undefined,
        cursor: draggable ? 'grab' : undefined,
        zIndex: isDragging ? 10 : undefined,
        position: 'relative',
      }}
      {...listeners}
      {...attributes}
      onPointerDownCapture={(event) => {
        pressedAt.current = { x: event.clientX, y: event.clientY };
      }}
      onClick={(event) => {
        const from = pressedAt.current;
        if (!from || Math.hypot(event.clientX - from.x, event.clientY - from.y) < 5) navigate(`/deals/${deal.id}`);
      }}
      aria-roledescription={t('deals.draggable')}
    >
      <Text size="sm" fw={500}>
        {deal.name}
      </Text>
      <Text size="xs">{formatMoney(deal.amount, deal.currency)}</Text>
    </Paper>
  );
}

function LostReasonModal({ target, onCancel, onConfirm }: { target: { deal: Deal } | null; onCancel: () => void; onConfirm: (reason: string) => void }) {
  const [reason, setReason] = useState('');
  return (
    <Modal opened={target !== null} onClose={onCancel} title={t('deals.lostTitle', { name: target?.deal.name ?? '' })}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          onConfirm(reason.trim());
          setReason('');
        }}
      >
        <TextInput label={t('field.lostReason')} value={reason} onChange={(event) => setReason(event.currentTarget.value)} required data-autofocus />
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={onCancel}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" color="red" disabled={!reason.trim()}>
            {t('deals.markLost')}
          </Button>
        </Group>
      </form>
    </Modal>
  );
}
