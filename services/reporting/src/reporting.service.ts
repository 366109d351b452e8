import type { ServiceDefinition } from '@kinship/platform';
import { messagingTablesMigration } from '@kinship/platform';
import { CustomFields1765140000000 } from './custom/1765140000000-custom-fields.js';
import { CustomReportsModule } from './custom/custom-reports.module.js';
import { DashboardsModule } from './dashboards/dashboards.module.js';
import { ReadModels1765000000000 } from './projections/1765000000000-read-models.js';
import { ActivityAndBillingReadModels1765130000000 } from './projections/1765130000000-activity-and-billing-read-models.js';
import { CreditNotesAndRefunds1765150000000 } from './projections/1765150000000-credit-notes-and-refunds.js';
import { DealTotals1765600000000 } from './projections/1765600000000-deal-totals.js';
import { DealCloseAndStageTotals1765610000000 } from './projections/1765610000000-deal-close-and-stage-totals.js';
import { ObjectRecords1765780100000 } from './projections/1765780100000-object-records.js';
import { ContactFunnel1765830000000 } from './projections/1765830000000-contact-funnel.js';
import { ContactAcquisitionTotals1765830000001 } from './projections/1765830000001-contact-acquisition-totals.js';
import { ProjectionsModule } from './projections/projections.module.js';
import { ReportingConfig } from './reporting.config.js';
import { Rebuilds1765130000001 } from './rebuild/1765130000001-rebuilds.js';
import { RebuildModule } from './rebuild/rebuild.module.js';
import { ClosedDealsCoveringIndex1765150000001 } from './reports/1765150000001-closed-deals-covering-index.js';
import { CoveringActivityIndexes1765610000001 } from './reports/1765610000001-covering-activity-indexes.js';
import { ReportsModule } from './reports/reports.module.js';
import { StandardReportsModule } from './standard-reports/standard-reports.module.js';
import { SavedReports1765141000000 } from './saved/1765141000000-saved-reports.js';
import { SavedReportsModule } from './saved/saved-reports.module.js';

/** The reporting service: read models built from events, reports and dashboards. */
export const reportingService: ServiceDefinition<ReportingConfig> = {
  name: 'reporting',
  configSchema: ReportingConfig,
  database: {
    schema: 'reporting',
    migrations: [
      messagingTablesMigration('reporting'),
      ReadModels1765000000000,
      ActivityAndBillingReadModels1765130000000,
      Rebuilds1765130000001,
      CustomFields1765140000000,
      SavedReports1765141000000,
      CreditNotesAndRefunds1765150000000,
      ClosedDealsCoveringIndex1765150000001,
      DealTotals1765600000000,
      DealCloseAndStageTotals1765610000000,
      CoveringActivityIndexes1765610000001,
      ObjectRecords1765780100000,
      ContactFunnel1765830000000,
      ContactAcquisitionTotals1765830000001,
    ],
  },
  features: () => [ProjectionsModule, ReportsModule, StandardReportsModule, RebuildModule, CustomReportsModule, SavedReportsModule, DashboardsModule],
};
