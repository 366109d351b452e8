import type { DefaultTemplate } from '../default-template.js';

export const dealWon: DefaultTemplate = {
  key: 'deal_won',
  name: 'Deal won',
  description: 'Sent to the owner of a deal when it moves into a won stage.',
  subject: 'Deal won: {{dealName}}',
  body: `<p>Congratulations {{name}}!</p>
<p>The deal <strong>{{dealName}}</strong> ({{amount}}) was won.</p>
<p><a href="{{dealUrl}}">Open the deal</a></p>`,
  sampleData: {
    name: 'Ada Lovelace',
    dealName: 'Analytical engine, first unit',
    amount: '€12,500.00',
    dealUrl: 'http://localhost:3000/deals/example',
  },
};
