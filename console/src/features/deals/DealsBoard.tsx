import {
  DndContext,
  KeyboardSensor,
  PointerSensor,
  rectIntersection,
  useDraggable,
  useDroppable,
  useSensor,
  useSensors,
  type Active,
  type Announcements,
  type CollisionDetection,
  type DragEndEvent,
  type Over,
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
import { boardCoordinates, placeOf, type BoardTarget } from './board-keyboard';
import { columnTotals, dealsApi, moveOnBoard, type Deal, type Place, type Stage, usePipelines } from './deals-api';
import { NewDealModal } from './NewDealModal';

/** Over a card, the card (its deal goes next to it); else the column. The dragged card's own place is no target. */
const boardCollisions: CollisionDetection = (args) => {
  const hits = rectIntersection(args).filter((hit) => hit.id !== args.active.id);
  const typeOf = (id: UniqueIdentifier) => (args.droppableContainers.find((container) => container.id === id)?.data.current as BoardTarget | undefined)?.type;
  const cards = hits.filter((hit) => typeOf(hit.id) === 'deal');
  return cards.length > 0 ? cards : hits.filter((hit) => typeOf(hit.id) === 'stage');
};

/** Where a card dropped on `over` goes: the stage, and next to which deal when over a card. */
function dropTarget(active: Active, over: Over | null): { stageId: string; place?: Place } | null {
  const target = over?.data.current as BoardTarget | undefined;
  if (!over || !target) return null;
  if (target.type === 'stage') return { stageId: String(over.id) };
  const dragged = active.rect.current.translated;
  const overId = String(over.id);
  const place = dragged && placeOf(dragged, over.rect) === 'before' ? { beforeDealId: overId } : { afterDealId: overId };
  return { stageId: target.stageId, place };
}

/** The deals of one pipeline as a board: a column per stage in its order, cards dragged between and within them. */
export function DealsBoard({ layout }: { layout: ReactNode }) {
  const [params, setParams] = useSearchParams();
  const queryClient = useQueryClient();
  const canWrite = useCan('deals:write');
  const canEditPipelines = useCan('pipelines:write');
  const pipelines = usePipelines();
  const pipeline =
    pipelines.data?.data.find((p) => p.id === params.get('pipelineId')) ?? pipelines.data?.data.find((p) => p.isDefault) ?? pipelines.data?.data[0];
  const deals = useQuery({ queryKey: ['deals', 'board', pipeline?.id], queryFn: () => dealsApi.board(pipeline!.id), enabled: !!pipeline });
  const [askLost, setAskLost] = useState<{ deal: Deal; stage: Stage; place?: Place } | null>(null);
  const [creating, setCreating] = useState(false);
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 5 } }),
    useSensor(KeyboardSensor, { coordinateGetter: boardCoordinates }),
  );

  const move = useMutation({
    mutationFn: ({ deal, stage, lostReason, place }: { deal: Deal; stage: Stage; lostReason?: string; place?: Place }) =>
      dealsApi.move(deal.id, stage.id, lostReason, place),
    // The card moves at once; a refusal puts it back and says why.
    onMutate: async ({ deal, stage, place }) => {
      const key = ['deals', 'board', pipeline?.id];
      await queryClient.cancelQueries({ queryKey: key });
      const before = queryClient.getQueryData<Deal[]>(key);
      queryClient.setQueryData<Deal[]>(key, (current) => current && moveOnBoard(current, deal.id, stage.id, place));
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
    const target = dropTarget(active, over);
    const stage = pipeline?.stages.find((s) => s.id === target?.stageId);
    if (!deal || !target || !stage || !deals.data) return;
    // Dropped where it already is (its own stage's column, or next to a neighbour on its side): no request.
    const column = (list: Deal[]) =>
      list
        .filter((d) => d.stageId === stage.id)
        .map((d) => d.id)
        .join();
    if (deal.stageId === stage.id && (!target.place || column(moveOnBoard(deals.data, deal.id, stage.id, target.place)) === column(deals.data))) return;
    if (stage.kind === 'lost' && deal.stageId !== stage.id) setAskLost({ deal, stage, place: target.place });
    else move.mutate({ deal, stage, place: target.place });
  };

  // What a screen reader hears while a card moves: the deal's and the stages' names (and the card it would go next to), not their ids.
  const dealName = (id: UniqueIdentifier) => deals.data?.find((d) => d.id === id)?.name ?? '';
  const whereTo = (active: Active, over: Over) => {
    const target = dropTarget(active, over);
    const stage = pipeline?.stages.find((s) => s.id === target?.stageId)?.name ?? '';
    if (!target?.place) return { stage };
    return 'beforeDealId' in target.place
      ? { stage, key: 'deals.above' as const, other: dealName(target.place.beforeDealId) }
      : { stage, key: 'deals.below' as const, other: dealName(target.place.afterDealId) };
  };
  const announce = (message: 'deals.over' | 'deals.dropped', active: Active, over: Over) => {
    const { stage, key, other } = whereTo(active, over);
    const text = t(message, { name: dealName(active.id), stage });
    return key ? `${text}, ${t(key, { name: other })}` : text;
  };
  const announcements: Announcements = {
    onDragStart: ({ active }) => t('deals.pickedUp', { name: dealName(active.id) }),
    onDragOver: ({ active, over }) => (over ? announce('deals.over', active, over) : undefined),
    // Over the same card the place flips between above and below as the card moves: said again when it does (the same words are not repeated).
    onDragMove: ({ active, over }) => (over ? announce('deals.over', active, over) : undefined),
    onDragEnd: ({ active, over }) => (over ? announce('deals.dropped', active, over) : undefined),
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
          collisionDetection={boardCollisions}
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
  const { setNodeRef, isOver } = useDroppable({ id: stage.id, data: { type: 'stage' } satisfies BoardTarget });
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
  // A card is a place to drop on too: the dragged deal goes above or below it.
  const drop = useDroppable({ id: deal.id, data: { type: 'deal', stageId: deal.stageId } satisfies BoardTarget, disabled: !draggable });
  // A click opens the deal; the click that ends a drag (the pointer moved) does not.
  const pressedAt = useRef<{ x: number; y: number } | null>(null);
  return (
    <Paper
      ref={(node: HTMLDivElement | null) => {
        setNodeRef(node);
        drop.setNodeRef(node);
      }}
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
