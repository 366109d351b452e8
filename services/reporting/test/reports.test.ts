import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectError, type Caller } from '../../crm/test/support.js';
import { startReportingStack, type ReportingStack } from './support.js';

/**
 * Issue 13 item 7: on generated deals (stages, currencies, owners, expected close months; won,
 * lost, reopened and deleted), every report equals a computation written here from the crm
 * API's own data — not from reporting's code or tables.
 */

interface Stage {
  id: string;
  name: string;
  probability: number;
  position: number;
  kind: 'open' | 'won' | 'lost';
}

interface Pipeline {
  id: string;
  name: string;
  stages: Stage[];
}

interface Deal {
  id: string;
  amount: number;
  currency: string;
  pipelineId: string;
  stageId: string;
  status: 'open' | 'won' | 'lost';
  ownerId: string | null;
  expectedCloseDate: string | null;
  closedAt: string | null;
  createdAt: string;
}

interface Filter {
  from?: string;
  to?: string;
  ownerId?: string;
  pipelineId?: string;
}

const DEALS = 150;
const CURRENCIES = ['USD', 'EUR', 'JPY'];

/** mulberry32: the same generated data on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function query(filter: Filter & Record<string, string | undefined>): string {
  const entries = Object.entries(filter).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return entries.length ? `?${new URLSearchParams(entries).toString()}` : '';
}

function utcDate(timestamp: string): string {
  return timestamp.slice(0, 10);
}

function within(date: string, filter: Filter): boolean {
  return (!filter.from || date >= filter.from) && (!filter.to || date <= filter.to);
}

function matches(deal: Deal, filter: Filter): boolean {
  return (!filter.ownerId || deal.ownerId === filter.ownerId) && (!filter.pipelineId || deal.pipelineId === filter.pipelineId);
}

/** Groups rows by a key and folds each group. */
function groupBy<T, R>(items: T[], key: (item: T) => string, fold: (group: T[]) => R): R[] {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return [...groups.values()].map(fold);
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/** Order-free comparison of report rows. */
function sorted<T>(rows: T[]): T[] {
  return [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

describe('standard reports against the crm API', () => {
  let stack: ReportingStack;
  let owner: Caller;
  let members: Caller[];
  let viewer: Caller;
  let pipelines: Pipeline[];
  let stages: Map<string, Stage>;
  let deals: Deal[];

  function expectedPipeline(filter: Filter): unknown[] {
    const open = deals.filter((deal) => deal.status === 'open' && matches(deal, filter) && within(utcDate(deal.createdAt), filter));
    return groupBy(
      open,
      (deal) => `${deal.stageId} ${deal.currency}`,
      (group) => {
        const stage = stages.get(group[0]!.stageId)!;
        return {
          pipelineId: group[0]!.pipelineId,
          stageId: stage.id,
          stageName: stage.name,
          position: stage.position,
          probability: stage.probability,
          currency: group[0]!.currency,
          count: group.length,
          amount: sum(group.map((deal) => deal.amount)),
          weightedAmount: Math.round(sum(group.map((deal) => deal.amount * stage.probability)) / 100),
        };
      },
    );
  }

  function expectedForecast(filter: Filter, interval: 'month' | 'quarter'): unknown[] {
    const period = (date: string) => (interval === 'month' ? date.slice(0, 7) : `${date.slice(0, 4)}-Q${Math.ceil(Number(date.slice(5, 7)) / 3)}`);
    const category = (deal: Deal) => {
      const probability = stages.get(deal.stageId)!.probability;
      if (deal.status === 'won') return 'closed_won';
      return probability >= 75 ? 'commit' : probability >= 50 ? 'best_case' : 'pipeline';
    };
    const forecast = deals.filter(
      (deal) => deal.status !== 'lost' && deal.expectedCloseDate && matches(deal, filter) && within(deal.expectedCloseDate, filter),
    );
    return groupBy(
      forecast,
      (deal) => `${period(deal.expectedCloseDate!)} ${deal.currency} ${category(deal)}`,
      (group) => ({
        period: period(group[0]!.expectedCloseDate!),
        currency: group[0]!.currency,
        category: category(group[0]!),
        count: group.length,
        amount: sum(group.map((deal) => deal.amount)),
        weightedAmount: Math.round(sum(group.map((deal) => deal.amount * (deal.status === 'won' ? 100 : stages.get(deal.stageId)!.probability))) / 100),
      }),
    );
  }

  function expectedWinRate(filter: Filter): unknown {
    const closed = deals.filter((deal) => deal.status !== 'open' && matches(deal, filter) && within(utcDate(deal.closedAt!), filter));
    const won = closed.filter((deal) => deal.status === 'won');
    const lost = closed.filter((deal) => deal.status === 'lost');
    const cycleDays = sum(won.map((deal) => (Date.parse(deal.closedAt!) - Date.parse(deal.createdAt)) / 86_400_000));
    return {
      won: won.length,
      lost: lost.length,
      winRate: closed.length ? won.length / closed.length : null,
      averageCycleDays: won.length ? Math.round((cycleDays / won.length) * 100) / 100 : null,
      byCurrency: sorted(
        groupBy(
          closed,
          (deal) => deal.currency,
          (group) => {
            const wonAmount = sum(group.filter((deal) => deal.status === 'won').map((deal) => deal.amount));
            const wonCount = group.filter((deal) => deal.status === 'won').length;
            return {
              currency: group[0]!.currency,
              won: wonCount,
              lost: group.length - wonCount,
              winRate: wonCount / group.length,
              wonAmount,
              lostAmount: sum(group.filter((deal) => deal.status === 'lost').map((deal) => deal.amount)),
              averageWonAmount: wonCount ? Math.round(wonAmount / wonCount) : null,
            };
          },
        ),
      ),
    };
  }

  beforeAll(async () => {
    stack = await startReportingStack('reporting-reports');
    owner = await stack.signUp('reports');
    members = [await stack.as(owner, 'member'), await stack.as(owner, 'member')];
    viewer = await stack.as(owner, 'viewer');
    await stack.caughtUp();
    const enterprise = await owner.post('/pipelines', {
      name: 'Enterprise',
      stages: [
        { name: 'Lead', probability: 20, kind: 'open' },
        { name: 'Pilot', probability: 60, kind: 'open' },
        { name: 'Contract', probability: 80, kind: 'open' },
        { name: 'Signed', probability: 100, kind: 'won' },
        { name: 'Dropped', probability: 0, kind: 'lost' },
      ],
    });
    expect(enterprise.status).toBe(201);
    pipelines = (await owner.get('/pipelines')).body.data;
    stages = new Map(pipelines.flatMap((pipeline) => pipeline.stages.map((stage) => [stage.id, stage] as const)));

    const next = random(13);
    const pick = <T>(items: T[]): T => items[Math.floor(next() * items.length)]!;
    const creators = [owner, ...members];
    for (let index = 0; index < DEALS; index++) {
      const creator = pick(creators);
      const pipeline = pick(pipelines);
      const ofKind = (kind: Stage['kind']) => pipeline.stages.filter((stage) => stage.kind === kind);
      const month = 1 + Math.floor(next() * 18);
      const expectedCloseDate =
        next() < 0.15
          ? undefined
          : `${2026 + Math.floor((month - 1) / 12)}-${String(((month - 1) % 12) + 1).padStart(2, '0')}-${String(1 + Math.floor(next() * 28)).padStart(2, '0')}`;
      const created = await creator.post('/deals', {
        name: `Deal ${index}`,
        amount: 1 + Math.floor(next() * 500_000),
        currency: pick(CURRENCIES),
        pipelineId: pipeline.id,
        stageId: pick(ofKind('open')).id,
        expectedCloseDate,
      });
      expect(created.status).toBe(201);
      const id = created.body.id as string;
      const move = async (kind: Stage['kind']) => {
        const response = await creator.post(`/deals/${id}/stage`, { stageId: pick(ofKind(kind)).id, lostReason: kind === 'lost' ? 'budget' : undefined });
        expect(response.status).toBe(200);
      };
      const outcome = next();
      if (outcome < 0.25) await move('won');
      else if (outcome < 0.45) await move('lost');
      else if (outcome < 0.5) {
        await move('won');
        await move('open');
      } else if (outcome < 0.55) {
        await move('won');
        await move('open');
        await move('lost');
      } else if (outcome < 0.6) {
        expect((await creator.delete(`/deals/${id}`)).status).toBe(204);
      } else if (outcome < 0.75) await move('open');
    }

    deals = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { data: Deal[]; nextCursor: string | null } } = await owner.get(
        `/deals?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(page.status).toBe(200);
      deals.push(...page.body.data);
      cursor = page.body.nextCursor;
    } while (cursor);
    await stack.caughtUp();
  }, 300_000);

  afterAll(async () => {
    await stack?.close();
  });

  it('generated what the reports must tell apart', () => {
    expect(deals.length).toBeGreaterThan(DEALS * 0.8);
    for (const status of ['open', 'won', 'lost']) expect(deals.some((deal) => deal.status === status)).toBe(true);
    expect(new Set(deals.map((deal) => deal.currency)).size).toBe(CURRENCIES.length);
    expect(new Set(deals.map((deal) => deal.ownerId)).size).toBe(3);
    expect(new Set(deals.map((deal) => deal.expectedCloseDate?.slice(0, 7))).size).toBeGreaterThan(12);
  });

  it('pipeline: open deals per stage and currency, amounts and weighted amounts never summed across currencies', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const filters: Filter[] = [{}, { ownerId: members[0]!.userId }, { pipelineId: pipelines[1]!.id }, { from: today, to: today }, { to: '2020-01-01' }];
    for (const filter of filters) {
      const response = await owner.get(`/reports/pipeline${query({ ...filter })}`);
      expect(response.status).toBe(200);
      expect(sorted(response.body.data)).toEqual(sorted(expectedPipeline(filter)));
    }
  });

  it('forecast: by expected close month and quarter, weighted and unweighted, with forecast categories', async () => {
    const cases: Array<[Filter, 'month' | 'quarter']> = [
      [{}, 'month'],
      [{}, 'quarter'],
      [{ from: '2026-03-01', to: '2026-09-30' }, 'month'],
      [{ ownerId: owner.userId, pipelineId: pipelines[0]!.id }, 'quarter'],
    ];
    for (const [filter, interval] of cases) {
      const response = await owner.get(`/reports/forecast${query({ ...filter, interval })}`);
      expect(response.status).toBe(200);
      expect(sorted(response.body.data)).toEqual(sorted(expectedForecast(filter, interval)));
    }
  });

  it('win rate: won, lost, rate, average cycle days and average won amount per currency', async () => {
    const today = new Date().toISOString().slice(0, 10);
    for (const filter of [{}, { ownerId: members[1]!.userId }, { pipelineId: pipelines[1]!.id }, { from: today }, { from: '2099-01-01' }] as Filter[]) {
      const response = await owner.get(`/reports/win-rate${query({ ...filter })}`);
      expect(response.status).toBe(200);
      const { asOf, lagMs, byCurrency, ...totals } = response.body;
      expect({ ...totals, byCurrency: sorted(byCurrency) }).toEqual(expectedWinRate(filter));
      expect({ asOf: typeof asOf, lagMs }).toEqual({ asOf: 'string', lagMs: 0 });
    }
  });

  it('says how fresh each answer is: asOf is the last applied event’s time, lagMs 0 once caught up', async () => {
    const [{ newest }] = await stack.owner.query(`SELECT max((payload->>'occurredAt')::timestamptz) AS newest FROM crm.outbox WHERE type LIKE 'deal.%'`);
    const winRate = await owner.get('/reports/win-rate');
    expect({ asOf: winRate.body.asOf, lagMs: winRate.body.lagMs }).toEqual({ asOf: newest.toISOString(), lagMs: 0 });
    const forecast = await owner.get('/reports/forecast');
    expect(Date.parse(forecast.body.asOf)).toBeGreaterThanOrEqual(newest.getTime());
    expect(forecast.body.lagMs).toBe(0);
  });

  it('gives members their own deals only, and everyone else (API keys with reports:read too) the workspace’s', async () => {
    const [member, other] = members;
    const own = await member!.get('/reports/win-rate');
    expect(own.status).toBe(200);
    expect({
      won: own.body.won,
      lost: own.body.lost,
      winRate: own.body.winRate,
      averageCycleDays: own.body.averageCycleDays,
      byCurrency: sorted(own.body.byCurrency),
    }).toEqual(expectedWinRate({ ownerId: member!.userId }));
    expectError(await member!.get(`/reports/pipeline?ownerId=${other!.userId}`), 403);
    const withScope = await (await stack.apiKey(owner, ['reports:read'])).get('/reports/pipeline');
    expect(sorted(withScope.body.data)).toEqual(sorted(expectedPipeline({})));
    expectError(await (await stack.apiKey(owner, ['deals:read'])).get('/reports/pipeline'), 403);
    const forViewer = await viewer.get('/reports/pipeline');
    expect(forViewer.status).toBe(200);
    expect(sorted(forViewer.body.data)).toEqual(sorted(expectedPipeline({})));
  });

  it('answers CSV with the same rows', async () => {
    const json = (await owner.get('/reports/forecast?interval=quarter')).body.data as Array<Record<string, unknown>>;
    const response = await fetch(`${stack.api}/reports/forecast?interval=quarter&format=csv`, { headers: { authorization: `Bearer ${owner.token}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    const [header, ...lines] = (await response.text()).trim().split('\n');
    expect(header).toBe('period,currency,category,count,amount,weightedAmount');
    expect(lines).toEqual(json.map((row) => [row.period, row.currency, row.category, row.count, row.amount, row.weightedAmount].join(',')));
  });

  it('refuses bad input with the field named, and changes nothing', async () => {
    expectError(await owner.get('/reports/win-rate?from=2026-06-01&to=2026-05-01'), 422, 'from');
    expectError(await owner.get('/reports/forecast?interval=week'), 400, 'interval');
    expectError(await owner.get('/reports/pipeline?from=2026-13-01'), 400, 'from');
    expectError(await owner.get('/reports/pipeline?format=xml'), 400, 'format');
    expectError(await owner.get('/reports/pipeline?ownerId=nobody'), 400, 'ownerId');
  });
});
