import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { eventStreamName, type DomainEvent } from '@kinship/messaging';
import { postgresOptions } from '@kinship/persistence';
import type { RunningService } from '@kinship/platform';
import { startTestService } from '@kinship/testing';
import { DataSource } from 'typeorm';
import { eventually, startCrmStack, type CrmStack } from '../../crm/test/support.js';
import { consumerName, PROJECTIONS } from '../src/projections/projection.js';
import { reportingService } from '../src/reporting.service.js';

/** auth, crm, reporting and the gateway of one suite; crm's events reach reporting through the suite's JetStream. */
export interface ReportingStack extends CrmStack {
  reporting: RunningService;
  /** The superuser (row-level security does not bind it), to look at the read models behind the API. */
  readModels: DataSource;
  /** Publishes an envelope to the events stream as crm's relay would; `msgId` other than its id makes JetStream store it again. */
  publish(service: string, event: DomainEvent, msgId?: string): Promise<number>;
  /** Waits until auth and crm have published every event and every consumer (each projection among them) has settled all of them. */
  caughtUp(): Promise<void>;
}

export async function startReportingStack(suite: string, reportingOverrides: Record<string, string> = {}): Promise<ReportingStack> {
  const stack = await startCrmStack(suite);
  const reporting = await startTestService(reportingService, stack.environment, reportingOverrides);
  const readModels = new DataSource(postgresOptions({ url: stack.environment.databaseUrl, schema: 'reporting', poolSize: 2 }));
  await readModels.initialize();
  const nats: NatsConnection = await connect({ servers: stack.environment.natsUrl });
  const jsm: JetStreamManager = await jetstreamManager(nats);
  const namespace = stack.environment.natsNamespace;
  const close = stack.close.bind(stack);
  return Object.assign(stack, {
    reporting,
    readModels,
    async publish(service: string, event: DomainEvent, msgId = event.id) {
      const ack = await jetstream(nats).publish(`${namespace}events.${service}.${event.type}`, JSON.stringify(event), { msgID: msgId });
      return ack.seq;
    },
    async caughtUp() {
      await eventually(async () => {
        const [{ unpublished }] = await stack.owner.query(
          'SELECT (SELECT count(*) FROM crm.outbox WHERE published_at IS NULL) + (SELECT count(*) FROM auth.outbox WHERE published_at IS NULL) AS unpublished',
        );
        if (Number(unpublished) > 0) return false;
        // Every consumer of the suite's stream, crm's workspace set-up (which emits the default pipeline) among them.
        for await (const info of jsm.consumers.list(eventStreamName(namespace))) {
          if (info.num_pending + info.num_ack_pending > 0) return false;
        }
        for (const projection of PROJECTIONS) await jsm.consumers.info(eventStreamName(namespace), consumerName(projection));
        return true;
      }, 60_000);
    },
    async close() {
      await reporting.close();
      await readModels.destroy();
      await nats.close();
      await close();
    },
  });
}
