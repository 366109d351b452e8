import type { DefaultTemplate } from '../default-template.js';

export const reportDelivery: DefaultTemplate = {
  key: 'report_delivery',
  name: 'Scheduled report',
  description: 'Sent to the chosen users of a scheduled saved report, weekly or monthly, with its CSV attached.',
  subject: 'Report: {{reportName}}',
  body: `<p>Hello {{name}},</p>
<p>Your {{frequency}} report <strong>{{reportName}}</strong> is attached ({{fileName}}, {{rowCount}} rows{{#if truncated}}, the first 100 groups only{{/if}}).</p>
<p><a href="{{reportUrl}}">Open the report</a></p>`,
  sampleData: {
    name: 'Ada Lovelace',
    reportName: 'Pipeline by owner',
    frequency: 'weekly',
    fileName: 'pipeline-by-owner-2026-12-07.csv',
    rowCount: '12',
    truncated: '',
    reportUrl: 'http://localhost:3000/reports/saved/example',
  },
};
