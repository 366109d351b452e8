import type { DefaultTemplate } from '../default-template.js';

export const taskAssigned: DefaultTemplate = {
  key: 'task_assigned',
  name: 'Task assigned',
  description: 'Sent to the assignee of a task.',
  subject: 'New task: {{taskTitle}}',
  body: `<p>Hello {{name}},</p>
<p>A task was assigned to you in {{workspaceName}}:</p>
<p><strong>{{taskTitle}}</strong><br>Priority: {{priority}}{{#if dueAt}}<br>Due: {{dueAt}}{{/if}}</p>
<p><a href="{{taskUrl}}">Open the task</a></p>`,
  sampleData: {
    name: 'Ada Lovelace',
    workspaceName: 'Analytical Engines Ltd',
    taskTitle: 'Call Charles about the difference engine',
    priority: 'high',
    dueAt: '24 November 2026, 09:00 UTC',
    taskUrl: 'http://localhost:3000/tasks/example',
  },
};
