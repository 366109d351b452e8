import type { DefaultTemplate } from '../default-template.js';

export const invitation: DefaultTemplate = {
  key: 'invitation',
  name: 'Invitation',
  description: 'Sent to a person invited to the workspace, with the one-time link that creates their account.',
  subject: '{{inviterName}} invited you to {{workspaceName}} on Kinship',
  body: `<p>Hello,</p>
<p>{{inviterName}} invited you to join <strong>{{workspaceName}}</strong> on Kinship as {{role}}. Accept with the link below.</p>
<p>The link works once and expires on {{expiresAt}}. If you did not expect this invitation, ignore this email.</p>`,
  action: { variable: 'acceptUrl', label: 'Accept the invitation' },
  sampleData: {
    inviterName: 'Ada Lovelace',
    workspaceName: 'Analytical Engines Ltd',
    role: 'member',
    acceptUrl: 'http://localhost:3000/invitations/accept?token=example',
    expiresAt: '1 December 2026, 10:00 UTC',
  },
};
